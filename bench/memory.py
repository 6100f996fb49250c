#!/usr/bin/env python
"""Memory of an app worker over 10,000 requests: does it stay under 250 MB, and flat?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xiangli_bench \\
        .venv/bin/python bench/memory.py [--requests 10000] [--every 1000] [--clients 4]

Starts gunicorn xiangli.wsgi with ONE worker (so every request lands in the process
being watched), sends a round-robin mix of the pages of bench/http_load.py
(service list, a resident's cases as a page and as API, the agent's queue as a page
and as API, case details as a page and as API, over many cases) from a few client
threads, and every `--every` requests reads VmRSS and VmHWM of the worker from
/proc/<pid>/status. Prints the samples, the peak, and the growth from the first
sample to the last.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def status_kb(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":", 1)
            out[key] = int(value.split()[0])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4, help="client threads (4)")
    parser.add_argument("--city", choices=["generated", "demo"])
    args = parser.parse_args()
    command = common.banner()
    common.setup_django(static=True)
    from xiangli.areas.models import Centre
    from xiangli.cases.models import Case

    city = common.city_kind(args.city)
    logins = common.LOGINS[city]
    agent = common.user_for(logins["agent"])
    resident = common.user_for(logins["resident"]).resident
    village = Centre.objects.select_related("area").get(area_id=resident.village_id).area.code
    case_ids = list(Case.objects.visible_to(agent).order_by("-pk").values_list("pk", flat=True)[:500])
    meta = {"command": command, "machine": common.machine(), "scale": common.data_scale(), "city": city}
    print(f"city: {city} {meta['scale']}", flush=True)

    samples: list[dict[str, Any]] = []
    with common.Server(workers=1, log=common.RESULTS / "gunicorn-memory.log") as server:
        (pid,) = server.worker_pids()
        resident_cookie = common.session_login(server.base, logins["resident"])
        agent_cookie = common.session_login(server.base, logins["agent"])
        resident_token = "Bearer " + common.api_token(server.base, logins["resident"])
        agent_token = "Bearer " + common.api_token(server.base, logins["agent"])
        ids = itertools.cycle(case_ids)
        mix = [
            lambda: (f"/c/{village}/", "Cookie", resident_cookie),
            lambda: ("/me/cases/", "Cookie", resident_cookie),
            lambda: ("/api/v1/cases", "Authorization", resident_token),
            lambda: ("/desk/", "Cookie", agent_cookie),
            lambda: ("/api/v1/cases", "Authorization", agent_token),
            lambda: (f"/desk/cases/{next(ids)}/", "Cookie", agent_cookie),
            lambda: (f"/api/v1/cases/{next(ids)}", "Authorization", agent_token),
        ]
        lock = threading.Lock()
        sent = 0
        failures: dict[str, int] = {}
        # A forked worker inherits its master's peak (VmHWM) from start-up; "5" to clear_refs
        # resets it, so the peak below is the worker's own.
        inherited = status_kb(pid)["VmHWM"]
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        samples.append({"requests": 0, **status_kb(pid)})
        print(
            f"worker pid {pid}: start VmRSS {samples[0]['VmRSS'] / 1024:.1f} MB "
            f"(VmHWM inherited from the master's start-up: {inherited / 1024:.1f} MB, reset)",
            flush=True,
        )

        def client() -> None:
            nonlocal sent
            while True:
                with lock:
                    if sent >= args.requests:
                        return
                    sent += 1
                    n = sent
                    path, header, value = mix[n % len(mix)]()
                req = urllib.request.Request(server.base + path, headers={header: value})
                try:
                    with urllib.request.urlopen(req, timeout=60) as r:
                        r.read()
                except urllib.error.HTTPError as e:
                    with lock:
                        failures[str(e.code)] = failures.get(str(e.code), 0) + 1
                if n % args.every == 0:
                    s = {"requests": n, **status_kb(pid)}
                    with lock:
                        samples.append(s)
                    print(
                        f"  after {n:6} requests: VmRSS {s['VmRSS'] / 1024:6.1f} MB"
                        f"   VmHWM {s['VmHWM'] / 1024:6.1f} MB",
                        flush=True,
                    )

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert server.worker_pids() == [pid], "the worker was replaced during the run"
    samples.sort(key=lambda s: s["requests"])
    peak = max(s["VmHWM"] for s in samples) / 1024
    warm = samples[1] if len(samples) > 1 else samples[0]
    growth = (samples[-1]["VmRSS"] - warm["VmRSS"]) / 1024
    print(
        f"\npeak RSS (VmHWM) {peak:.1f} MB; RSS after {warm['requests']} requests {warm['VmRSS'] / 1024:.1f} MB, "
        f"after {samples[-1]['requests']} {samples[-1]['VmRSS'] / 1024:.1f} MB (growth {growth:+.1f} MB); "
        f"failed answers {failures or 'none'}"
    )
    print("target: under 250 MB and flat")
    path = common.save_json(
        "memory.json",
        {
            **meta,
            "samples": samples,
            "peak_mb": peak,
            "growth_mb": growth,
            "failures": failures,
            "inherited_hwm_mb": inherited / 1024,
        },
    )
    print(f"written to {path.relative_to(common.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
