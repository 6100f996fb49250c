#!/usr/bin/env python
"""Secret ballots under load: how fast one village's poll takes votes when everyone votes at once.

    createdb -h 127.0.0.1 -U postgres xl_polls_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xl_polls_bench \\
        .venv/bin/python bench/polls_votes.py [--voters 2000] [--threads 8]
    dropdb -h 127.0.0.1 -U postgres xl_polls_bench

Its own database (never xiangli or xiangli_bench). Every ballot of a poll takes the
poll's row lock and raises the count of every option (that is what keeps the ballot
secret and the closing exact), so the votes of one poll are serialised: this measures
what that costs. `--voters` residents of one village each cast one ballot through
`polls.services.cast_ballot`, spread over `--threads` threads (connections) at once;
then every voter tries again (all refused), and the results are published.
Prints the throughput, the latency of one ballot (median, p95) and checks that the
counts equal the voter roll. Figures also go to bench/results/polls_votes.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xl_polls_bench")

from common import ROOT, banner, machine, median, pct, save_json, setup_django  # noqa: E402


def world(voters: int) -> tuple[Any, Any, list[Any]]:
    """A bench village with its secretary and `voters` adult residents (made once, reused)."""
    from xiangli.areas.models import Area, AreaKind
    from xiangli.people.models import Resident, Role, RoleAssignment, User, name_initials

    city, _ = Area.objects.get_or_create(code="PBENCH", defaults={"name": "Poll bench city", "kind": AreaKind.CITY})
    village = Area.objects.filter(code="PBENCH-V").first()
    if village is None:
        village = Area(code="PBENCH-V", name="Poll bench village", kind=AreaKind.VILLAGE, parent=city)
        village.save()
    secretary = User.objects.filter(name="poll-bench-secretary").first()
    if secretary is None:
        secretary = User.objects.create_user("13799990001", "bench-pass-123", name="poll-bench-secretary")
        RoleAssignment.objects.create(user=secretary, role=Role.SECRETARY, area=village)
    have = Resident.objects.filter(village=village).count()
    if have < voters:
        Resident.objects.bulk_create([
            Resident(name=f"村民{n}", name_initials=name_initials(f"村民{n}"), gender="F",
                     birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=n % 9000), village=village,
                     area_path=village.path)
            for n in range(have, voters)
        ], batch_size=1000)
    residents = list(Resident.objects.filter(village=village).order_by("pk")[:voters])
    return village, secretary, residents


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    line = banner()
    if "xl_polls_bench" not in os.environ["DATABASE_URL"]:
        print("Refusing: run on its own database (xl_polls_bench).")
        return 2
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], cwd=ROOT, check=True)
    setup_django()
    from django.core.exceptions import ValidationError
    from django.db import connections
    from django.utils import timezone
    from xiangli.polls import services
    from xiangli.polls.models import Option, Poll, VoterRoll

    village, secretary, residents = world(args.voters)
    now = timezone.now()
    poll = services.create_poll(
        by=secretary, village=village, kind="deliberation", title=f"Bench {now:%H%M%S}", options=["A", "B", "C"],
        opens_at=now, closes_at=now + dt.timedelta(hours=1), quorum_percent=50,
    )
    options = list(poll.options.all())
    rng = random.Random(8)  # noqa: S311 -- a benchmark's reproducible choices
    plan = [(r, rng.choice(options)) for r in residents]
    slices = [plan[n:: args.threads] for n in range(args.threads)]
    latencies: list[list[float]] = [[] for _ in range(args.threads)]
    refused = [0] * args.threads
    barrier = threading.Barrier(args.threads)

    def run(n: int, again: bool) -> None:
        try:
            barrier.wait()
            for resident, option in slices[n]:
                start = time.perf_counter()
                try:
                    services.cast_ballot(poll, by=secretary, option=option, resident=resident)
                except ValidationError:
                    refused[n] += 1
                latencies[n].append((time.perf_counter() - start) * 1000)
        finally:
            connections.close_all()

    def wave(again: bool) -> float:
        threads = [threading.Thread(target=run, args=(n, again)) for n in range(args.threads)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - start

    first = wave(False)
    votes_ms = [v for lane in latencies for v in lane]
    latencies[:] = [[] for _ in range(args.threads)]
    refused_first = sum(refused)
    second = wave(True)
    again_ms = [v for lane in latencies for v in lane]
    refused_second = sum(refused) - refused_first
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
    start = time.perf_counter()
    published = services.publish_results(Poll.objects.get(pk=poll.pk))
    publish_ms = (time.perf_counter() - start) * 1000
    counted = sum(Option.objects.filter(poll=poll).values_list("votes", flat=True))
    rolled = VoterRoll.objects.filter(poll=poll).count()
    figures = {
        "voters": args.voters, "threads": args.threads,
        "ballots_per_second": round(args.voters / first, 1),
        "ballot_ms": {"median": round(median(votes_ms), 2), "p95": round(pct(votes_ms, 95), 2)},
        "refused_in_first_wave": refused_first,
        "second_votes_refused": refused_second,
        "second_vote_ms": {"median": round(median(again_ms), 2), "p95": round(pct(again_ms, 95), 2)},
        "second_wave_seconds": round(second, 2),
        "publish_results_ms": round(publish_ms, 1),
        "counts_equal_roll": counted == rolled == args.voters,
        "turnout": published.turnout, "electorate": published.electorate_size,
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    save_json("polls_votes.json", {"command": line, "machine": machine(), **figures})
    return 0 if figures["counts_equal_roll"] and refused_second == args.voters else 1


if __name__ == "__main__":
    sys.exit(main())
