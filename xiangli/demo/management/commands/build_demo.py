from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiangli.demo import builder


class Command(BaseCommand):
    help = "Build the demo city (Luoyang): residents, staff, cases. Does nothing if it exists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--residents", type=int, default=3000, help="residents in the registry (3000)"
        )
        parser.add_argument(
            "--cases", type=int, default=2000, help="cases over the last two years (2000)"
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete all demo data first, then build"
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed: the same seed, the same city"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if builder.demo_exists() and not options["reset"]:
            self.stdout.write("The demo city is already built (use --reset to rebuild it).\n")
            self._logins()
            return
        if options["reset"]:
            builder.reset()
        summary = builder.build(
            residents=options["residents"], cases=options["cases"], seed=options["seed"]
        )
        c, areas = summary.counts, summary.counts["areas"]
        lines = [
            f"Areas: {areas['county']} counties/districts, {areas['township']} townships, "
            f"{areas['village']} villages ({c['communities']} communities), {areas['grid']} grids.",
            f"Centres: {c['centres']}, {c['centres_with_all_seven']} with all seven functions. "
            f"Service items: {c['service_items']}.",
            f"Residents: {c['residents']} in {c['households']} households, "
            f"{c['residents_over_60']} over 60, {c['residents_with_phone']} with a phone.",
            f"Tags: {c['tags']}.",
            f"Accounts: {c['accounts']}, of which {c['resident_accounts']} are residents'.",
            f"Cases: {c['cases']} {c['cases_by_state']}.",
            f"{c['overdue']} overdue, {c['due_within_2_days']} due within 2 days, "
            f"{c['rated']} rated; {c['events']} timeline events.",
            *(f"{name}: {n}" for name, n in c["extras"].items()),
            "",
        ]
        self.stdout.write(self.style.SUCCESS(f"Demo city built in {summary.seconds:.1f} s."))
        self.stdout.write("\n".join(lines))
        self._logins()

    def _logins(self) -> None:
        builder.format_logins(builder.logins(), self.stdout.write)
        sample = builder.other_village_logins()
        if sample:
            self.stdout.write(
                "Every other village has an agent (1351000NNNN) and a secretary (1352000NNNN):"
            )
            builder.format_logins(sample, self.stdout.write)
