"""Two months of rolled-up figures for the world's villages, as the lead's rollup writes them:
each village's day, summed into its township, county and city.

November 2026: village A received 5, did 2 (1 on time, 4 working days, 1 trip, ratings 3+4),
held a training of 17 people, 2.5 volunteer hours, 1 help task; village B received 2, did 1
(on time, 2 working days, 1 trip). October 2026: village A received 3 and did 3, all on time.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import zlib
from collections import defaultdict

import pytest
from django.utils import timezone

from xiangli.metrics.models import COUNTERS, AreaDay, AreaStanding, RollupKind, RollupRun

NOV = dt.date(2026, 11, 1)
OCT = dt.date(2026, 10, 1)
# The first of December: the day the November reports go out.
DEC_1 = dt.date(2026, 12, 1)

VILLAGE_DAYS = [
    ("village_a", dt.date(2026, 11, 2), {"received": 4, "done": 2, "done_on_time": 1, "workdays_total": 4,
                                         "one_trip": 1, "rated": 2, "rating_total": 7, "activities_held": 1,
                                         "training_person_times": 17, "volunteer_tenths": 25,
                                         "help_tasks_done": 1}),
    ("village_a", dt.date(2026, 11, 3), {"received": 1}),
    ("village_b", dt.date(2026, 11, 4), {"received": 2, "done": 1, "done_on_time": 1, "workdays_total": 2,
                                         "one_trip": 1}),
    ("village_a", dt.date(2026, 10, 15), {"received": 3, "done": 3, "done_on_time": 3, "workdays_total": 6,
                                          "one_trip": 3}),
]


def at(day: dt.date, hour: int = 0, minute: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def rolled(world):
    """The rollup rows of October and November 2026, and how each area stands."""
    sums: dict[tuple[int, dt.date], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for village, day, counts in VILLAGE_DAYS:
        area = getattr(world, village)
        for up in (area, world.township, world.county, world.city):
            for name, n in counts.items():
                sums[(up.pk, day)][name] += n
    AreaDay.objects.bulk_create(AreaDay(area_id=pk, day=day, **counts) for (pk, day), counts in sums.items())
    standing = {
        world.village_a: dict(open_cases=2, overdue_cases=1, centres=1, centres_seven=0, centres_four=1,
                              policy_eligible=10, policy_enrolled=4),
        world.village_b: dict(open_cases=1, centres=1, centres_seven=1, centres_four=0),
        world.village_d: dict(centres=1),
    }
    for up in (world.township, world.county, world.city):
        total: dict[str, int] = defaultdict(int)
        for village, counts in standing.items():
            if up.contains(village):
                for name, n in counts.items():
                    total[name] += n
        standing[up] = dict(total)
    AreaStanding.objects.bulk_create(AreaStanding(area=a, **counts) for a, counts in standing.items())
    # The names the reports print, in each language.
    world.township.name, world.township.name_en = "城关镇", "Chengguan"
    world.township.save()
    world.village_a.name, world.village_a.name_en = "东关村", "Dongguan"
    world.village_a.save()
    return sums


@pytest.fixture
def november_rolled_up(rolled):
    """The tick's rollups of the first of December, over the whole of November."""
    RollupRun.objects.create(kind=RollupKind.DAYS, started_at=at(DEC_1), first_day=dt.date(2026, 10, 27),
                             last_day=dt.date(2026, 11, 29))
    RollupRun.objects.create(kind=RollupKind.DAYS, started_at=at(DEC_1, 0, 11), first_day=dt.date(2026, 11, 30),
                             last_day=DEC_1)
    return rolled


LITERAL = re.compile(rb"\((?:\\.|[^\\)])*\)", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        c = literal[i:i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            i += 1 + len(octal.group(0))
        else:
            nxt = literal[i + 1:i + 2]
            out += ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text shown on the pages of a reportlab PDF (no pypdf here): each content stream
    inflated, each string operand decoded as the Chinese font's UCS-2 and as Latin-1."""
    shown = []
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = stream.group(1).strip()
        try:
            raw = zlib.decompress(base64.a85decode(raw.removesuffix(b"~>"), adobe=False))
        except (ValueError, zlib.error):
            continue
        for literal in LITERAL.findall(raw):
            text = _unescape(literal[1:-1])
            shown.append(text.decode("utf-16-be", errors="ignore"))
            shown.append(text.decode("latin-1"))
    return "\n".join(shown)
