"""Where a message's time goes: `python -m bot.platform.profile_load`.

Starts the single stack (`onewindow up`, free loopback ports, a temporary data
folder) with every Python process sampled (bot/platform/sampler.py), runs one
bounded load (CONCURRENCY conversations, each sending the load generator's
four messages, EACH times), and writes var/bench/profile.md: the load's
latencies and throughput, CPU per process, and each process's hottest
functions. One run; it stops everything it started.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.platform.bench_load import ROOT, Stack, _cpu_seconds, _rss_mb
from bot.platform.load import run_load
from bot.platform.sampler import SITECUSTOMIZE, summaries


def profile(concurrency: int, each: int, out: Path, max_seconds: float = 120.0) -> Dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="onewindow-profile-"))
    site, samples = folder / "site", folder / "samples"
    site.mkdir()
    samples.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    stack = Stack(None, folder)
    stack.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), stack.env.get("PYTHONPATH")]))
    stack.env["ONEWINDOW_SAMPLE_DIR"] = str(samples)
    result: Dict[str, Any] = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cores": os.cpu_count()}
    try:
        stack.start()
        result["startup_seconds"] = stack.startup_seconds
        base = f"http://127.0.0.1:{stack.web_port}"
        asyncio.run(run_load(base, 2, 1, max_seconds=60))  # warm-up, not counted
        _reset_counts(samples)  # start-up and warm-up are not what is profiled
        time.sleep(6)  # every sampler has seen it
        pids = stack.pids()
        before = {name: _cpu_seconds(pid) for name, pid in pids.items()}
        run = asyncio.run(run_load(base, concurrency, each, max_requests=2000, max_seconds=max_seconds))
        result["load"] = run.summary()
        seconds = max(run.seconds, 1e-3)
        result["cpu_cores"] = {n: round((_cpu_seconds(p) - before[n]) / seconds, 2) for n, p in pids.items()}
        result["rss_mb"] = {name: _rss_mb(pid) for name, pid in pids.items()}
        time.sleep(6)  # every sampler writes its report once more
        result["profiles"] = summaries(samples)
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / "profile.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    (out / "profile.md").write_text(report(result), encoding="utf-8")
    return result


def _reset_counts(samples: Path) -> None:
    """Ask every sampler to start counting afresh (a marker file each one checks)."""
    (samples / "reset").write_text(str(time.time()), encoding="utf-8")


def report(result: Dict[str, Any], top: Optional[int] = 30) -> str:
    load = result.get("load", {})
    lines: List[str] = [
        "# Where a message's time goes (single stack, sampled)",
        "",
        f"{result['cores']} CPU cores; {result['when']}; start-up {result.get('startup_seconds')} s.",
        f"Load: {load.get('concurrency')} concurrent conversations, {load.get('messages')} messages in "
        f"{load.get('seconds')} s: {load.get('messages_per_second')} messages/s, p50 {load.get('p50_ms')} ms, "
        f"p95 {load.get('p95_ms')} ms, errors {load.get('errors')}.",
        "",
        "CPU (cores busy) and resident memory per process during the load:",
        "",
    ]
    for name, cores in result.get("cpu_cores", {}).items():
        rate = load.get("messages_per_second") or 0
        per_message = f"{1000 * cores / rate:.0f} ms CPU/message" if rate else "-"
        lines.append(f"- {name}: {cores} cores, {per_message}, {result['rss_mb'].get(name)} MB")
    for name, text in result.get("profiles", {}).items():
        body = text.splitlines()
        lines += ["", f"## {name}", "", "```", *(body[: (top or len(body)) + 4]), "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--each", type=int, default=3, help="conversations per simulated citizen")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args()
    result = profile(args.concurrency, args.each, args.out)
    print(json.dumps(result.get("load", {})))
    print(f"Wrote {args.out / 'profile.md'}")


if __name__ == "__main__":
    main()
