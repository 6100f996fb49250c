#!/usr/bin/env python
"""The figures table of bench/README.md, from the latest bench/results/*.json, with the targets of issue 3.

.venv/bin/python bench/figures.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def load(name: str) -> dict[str, Any] | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def main() -> int:
    print("$ " + " ".join(sys.argv))
    http, ceiling, heavy, memory = (
        load(n) for n in ("http_load.json", "pgbench_ceiling.json", "heavy_queries.json", "memory.json")
    )
    first = next(x for x in (http, ceiling, heavy, memory) if x)
    m, s = first["machine"], first["scale"]
    print(
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory']} memory. Commit {m['commit']}. "
        f"Data: {first['city']} city, {s['residents']:,} residents, {s['cases']:,} cases, "
        f"{s['villages']:,} villages (cases last analysed: {s.get('cases_analyzed_at', '?')}).\n"
    )
    if http:
        print(
            f"### HTTP under load ({http['machine']['date']}; {http['workers']} gunicorn workers, "
            f"{http['repeats']} × {http['duration_s']} s per cell, medians; target p95 < 100 ms at 10 clients)\n"
        )
        print("| endpoint | clients | req/s | p50 ms | p95 ms | p99 ms | non-2xx/errors | p95 target |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for r in http["results"]:
            verdict = ("met" if r["p95_ms"] < 100 else "**missed**") if r["clients"] == 10 else ""
            if r["bad"] and r["bad"] >= r["requests"] / 2:
                verdict = "**failed answers**"
            print(
                f"| {r['label']} | {r['clients']} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                f"{r['p99_ms']:.1f} | {r['bad']}/{r['requests']} | {verdict} |"
            )
        print()
    if ceiling:
        a, q = ceiling["scripts"]["action"], ceiling["scripts"]["request"]
        ok = "met" if ceiling["ratio"] >= 0.25 else "**missed**"
        print(
            f"### Case creation against the pgbench ceiling ({ceiling['machine']['date']}; "
            f"pgbench -M {ceiling.get('protocol', 'simple')} -c {ceiling['clients']} -j 2 -T {ceiling['seconds']}, "
            f"median of {len(q['runs'])})\n"
        )
        print("| | statements | TPS |\n|---|---:|---:|")
        print(f"| `services.create_case` alone | {a['statements']} | {a['tps']:.0f} |")
        print(f"| whole `POST /api/v1/cases` | {q['statements']} | {q['tps']:.0f} |")
        print(f"| app, `POST /api/v1/cases` at {ceiling['clients']} clients | | {ceiling['app_rps']:.1f} |\n")
        print(
            f"App / request ceiling: **{ceiling['ratio']:.1%}** (target ≥ 25%: {ok}); "
            f"app / action ceiling: {ceiling['ratio_action']:.1%}.\n"
        )
        if simple := load("pgbench_ceiling_simple.json"):
            sq = simple["scripts"]["request"]
            print(
                f"The same request's SQL sent as plain text and planned every time (`--protocol simple`, "
                f"{simple['machine']['date']}): {sq['tps']:.0f} TPS; app / that ceiling {simple['ratio']:.1%}.\n"
            )
    if heavy:
        print(f"### Heaviest reads ({heavy['machine']['date']}; {heavy['runs']} runs each, through the ORM)\n")
        print("| query | median ms | p95 ms | SQL in EXPLAIN ANALYZE ms | plan |")
        print("|---|---:|---:|---:|---|")
        for r in heavy["queries"]:
            ex = f"{r['explain_ms']:.1f}" if r.get("explain_ms") is not None else ""
            print(
                f"| {r['label']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {ex} | "
                f"[{Path(r['explain']).name}](results/explain/{Path(r['explain']).name}) |"
            )
        print("\n| page, in-process (one client) | queries | median ms | p95 ms |\n|---|---:|---:|---:|")
        for p in heavy["pages"]:
            print(f"| {p['user']} `{p['url']}` | {p['queries']} | {p['median_ms']:.1f} | {p['p95_ms']:.1f} |")
        print()
    if memory:
        samples = memory["samples"]
        ok = "met" if memory["peak_mb"] < 250 and abs(memory["growth_mb"]) < 10 else "**missed**"
        print(
            f"### Worker memory ({memory['machine']['date']}; one gunicorn worker, "
            f"{samples[-1]['requests']:,} requests)\n"
        )
        print("| requests | " + " | ".join(f"{x['requests']:,}" for x in samples) + " |")
        print("|---|" + "---:|" * len(samples))
        print("| VmRSS MB | " + " | ".join(f"{x['VmRSS'] / 1024:.0f}" for x in samples) + " |")
        print(
            f"\nPeak {memory['peak_mb']:.0f} MB, growth {memory['growth_mb']:+.1f} MB from the first 1,000 requests "
            f"to the last (target < 250 MB and flat: {ok})."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
