"""python manage.py generate_city --scale small|medium|full: a synthetic city for the benchmarks,
with its metrics rolled up (unless --no-figures), as warm as a live deployment's."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangli.citygen import generator


class Command(BaseCommand):
    help = (
        "Fill the database with a synthetic city (areas, staff, residents, cases) for benchmarks, then roll up "
        "its figures (every day of the cases' history, and the standing) as a live deployment's tick would have."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=sorted(generator.SCALES),
            default="small",
            help="small: 40 villages, 2,000 residents, 5,000 cases; medium: 600, 100,000, "
            "500,000; full: 3,000, 1,000,000, 5,000,000",
        )
        parser.add_argument("--villages", type=int, help="override the scale's number of villages")
        parser.add_argument("--residents", type=int, help="override the scale's number of residents")
        parser.add_argument("--cases", type=int, help="override the scale's number of cases")
        parser.add_argument("--seed", type=int, default=2026, help="random seed: the same seed, the same city")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes that encrypt and plan (PostgreSQL only; default 1 for small, else 2)",
        )
        parser.add_argument(
            "--reset", action="store_true", help="empty the tables first (TRUNCATE on PostgreSQL), then generate"
        )
        parser.add_argument(
            "--no-figures",
            dest="figures",
            action="store_false",
            help="the raw tables only, faster: no rollups, so figures pages show nothing and township-and-up "
            "workbenches count cases live until the metrics are rolled up",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base = generator.SCALES[options["scale"]]
        scale = generator.Scale(
            villages=options["villages"] or base.villages,
            residents=options["residents"] or base.residents,
            cases=options["cases"] if options["cases"] is not None else base.cases,
        )
        workers = options["workers"] or (1 if options["scale"] == "small" else 2)
        if options["reset"]:
            self.stdout.write("Emptying the tables…")
            generator.reset()
        elif generator.city_exists():
            raise CommandError("A city is already in this database: use --reset to replace it.")
        self.stdout.write(
            f"Generating {scale.villages:,} villages, {scale.residents:,} residents, {scale.cases:,} cases "
            f"(seed {options['seed']}, {workers} worker{'s' if workers > 1 else ''})…"
        )
        try:
            report = generator.generate(
                scale, seed=options["seed"], workers=workers, figures=options["figures"], say=self.stdout.write
            )
        except generator.CityExists as exc:
            raise CommandError("A city is already in this database: use --reset to replace it.") from exc
        c, areas = report.counts, report.counts["areas"]
        self.stdout.write(self.style.SUCCESS(f"City generated in {report.timings['total']:.1f} s."))
        self.stdout.write(
            "\n".join(
                [
                    f"Areas: {areas['county']} counties, {areas['township']} townships, "
                    f"{areas['village']} villages and communities, {areas['grid']} grids; {c['centres']} centres; "
                    f"{c['service_items']} service items.",
                    f"Residents: {c['residents']:,}, {c['residents_with_phone']:,} with a phone.",
                    f"Accounts: {c['accounts']:,} ({c['resident_accounts']:,} residents'); "
                    f"{c['role_assignments']:,} role assignments.",
                    f"Cases: {c['cases']:,} {c['cases_by_state']}; {c['events']:,} timeline events.",
                    "Timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items()),
                    f"Bench logins (password {generator.PASSWORD}), all in or over {report.bench_village}:",
                ]
            )
        )
        for role, phone in generator.bench_logins():
            self.stdout.write(f"  {role:<15} {phone}")
