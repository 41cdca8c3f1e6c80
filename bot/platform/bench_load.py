"""`make bench-load`: the chat under load, single stack and scaled, measured.

For each stack (the single `onewindow up`; `onewindow up --scaled` with 1 and
2 replicas when PostgreSQL, Redis and nginx are installed) this starts it on
free loopback ports in a temporary data folder, times start-up until every
health check is green, runs the chat at 1, 10 and 50 concurrent conversations
(and 200 with think time), samples each process's CPU and resident memory, and
stops it. Every run is bounded in requests and seconds (bot/platform/load.py).
Results: var/bench/load.json and var/bench/load.md (with a chart).
Speed goals live here, never in timed tests.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.platform.load import run_load
from bot.platform.services import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
LEVELS = [(1, 3, 0.0), (10, 3, 0.0), (50, 2, 0.0)]  # (concurrent conversations, conversations each, think s)
THINK = (200, 1, 2.0)
TICKS = os.sysconf("SC_CLK_TCK")


def _process_tree(pid: int) -> List[int]:
    """The process and its descendants (nginx workers, uvicorn's children)."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _cpu_seconds(pid: int) -> float:
    total = 0.0
    for member in _process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS
        except (OSError, IndexError, ValueError):
            continue
    return total


def _rss_mb(pid: int) -> float:
    total = 0
    for member in _process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


class Stack:
    """One `onewindow up` (optionally --scaled) in its own data folder and ports."""

    def __init__(self, replicas: Optional[int], folder: Path) -> None:
        self.replicas = replicas
        self.folder = folder
        self.web_port = free_port()
        self.env = {
            **os.environ,
            "ONEWINDOW_DATA_DIR": str(folder / "data"),
            "ONEWINDOW_WEB_PORT": str(self.web_port),
            "ONEWINDOW_RASA_PORT": str(free_port() if not replicas else _port_block(replicas)),
            "ONEWINDOW_ACTION_PORT": str(free_port() if not replicas else _port_block(replicas)),
            "ONEWINDOW_RATE_CONVERSATIONS_PER_CLIENT": "0",  # one load generator is many citizens
            "ONEWINDOW_RATE_MESSAGES_PER_CLIENT": "0",
            "ONEWINDOW_RATE_CONVERSATIONS_TOTAL": "100000",
            "ONEWINDOW_RATE_MESSAGES_TOTAL": "100000",
        }
        if replicas:
            self.env["ONEWINDOW_WEB_PORT"] = str(_port_block(replicas))
            self.web_port = int(self.env["ONEWINDOW_WEB_PORT"])
        for name in ("ONEWINDOW_DATABASE_URL", "ONEWINDOW_REDIS_URL"):
            self.env.pop(name, None)
        self.process: Optional[subprocess.Popen] = None
        self.startup_seconds: Optional[float] = None

    @property
    def state_file(self) -> Path:
        return self.folder / "data" / "logs" / "processes.json"

    def start(self, timeout: float = 900.0) -> None:
        command = [str(Path(sys.executable).parent / "onewindow"), "up"]
        if self.replicas:
            command += ["--scaled", "--replicas", str(self.replicas)]
        log = open(self.folder / "up.log", "wb")  # noqa: SIM115 (the child keeps it)
        began = time.monotonic()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the stack exited while starting; see {self.folder / 'up.log'}")
            states = self.states()
            if states and all(entry["state"] == "healthy" for entry in states.values()):
                self.startup_seconds = round(time.monotonic() - began, 1)
                return
            time.sleep(1.0)
        raise RuntimeError(f"the stack was not healthy after {timeout:.0f}s; see {self.folder / 'up.log'}")

    def states(self) -> Dict[str, Any]:
        try:
            return json.loads(self.state_file.read_text(encoding="utf-8")).get("processes", {})
        except (OSError, ValueError):
            return {}

    def pids(self) -> Dict[str, int]:
        return {name: entry["pid"] for name, entry in self.states().items() if entry.get("pid")}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _port_block(replicas: int) -> int:
    """A base port whose next `replicas` ports are free too (nginx on the base, replicas above)."""
    for _ in range(50):
        base = free_port()
        if base + replicas < 65535 and all(_free(base + i) for i in range(1, replicas + 1)):
            return base
    raise RuntimeError("no block of free ports")


def _free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def measure_stack(replicas: Optional[int], with_think: bool, max_seconds: float) -> Dict[str, Any]:
    label = "single stack" if not replicas else f"scaled, {replicas} replica{'s' if replicas > 1 else ''}"
    folder = Path(tempfile.mkdtemp(prefix="onewindow-bench-"))
    os.chmod(folder, 0o755)  # PostgreSQL (as `postgres`) passes through
    stack = Stack(replicas, folder)
    result: Dict[str, Any] = {"stack": label, "replicas": replicas or 0, "runs": []}
    try:
        stack.start()
        result["startup_seconds"] = stack.startup_seconds
        base = f"http://127.0.0.1:{stack.web_port}"
        asyncio.run(run_load(base, 2, 1, max_seconds=60))  # warm-up (first TensorFlow calls), not counted
        levels = LEVELS + ([THINK] if with_think else [])
        for concurrency, each, think in levels:
            pids = stack.pids()
            cpu_before = {name: _cpu_seconds(pid) for name, pid in pids.items()}
            run = asyncio.run(
                run_load(base, concurrency, each, think_seconds=think, max_requests=2000, max_seconds=max_seconds)
            )
            summary = run.summary()
            summary["think_seconds"] = think
            summary["cpu_share"] = {
                name: round((_cpu_seconds(pid) - cpu_before[name]) / max(run.seconds, 0.001), 2)
                for name, pid in pids.items()
            }
            summary["rss_mb"] = {name: _rss_mb(pid) for name, pid in pids.items()}
            result["runs"].append(summary)
            print(f"  {label}: {concurrency} conversations -> {json.dumps(summary)}", flush=True)
    except RuntimeError as error:
        result["error"] = str(error)
        print(f"  {label}: {error}", flush=True)
    finally:
        stack.stop()
        if not os.environ.get("ONEWINDOW_BENCH_KEEP"):  # logs and data of the run, kept on request
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
    return result


def versions() -> Dict[str, str]:
    from importlib.metadata import version

    found = {"python": platform.python_version()}
    for package in ("rasa", "fastapi", "uvicorn", "SQLAlchemy", "alembic", "redis", "psycopg2-binary"):
        try:
            found[package] = version(package)
        except Exception:
            found[package] = "not installed"
    for program, flag in (("postgres", "--version"), ("redis-server", "--version"), ("nginx", "-v")):
        from bot.platform.services import postgres_bin

        path = str(postgres_bin() / "postgres") if program == "postgres" and postgres_bin() else program
        try:
            done = subprocess.run([path, flag], capture_output=True, text=True, timeout=10)
            found[program] = (done.stdout or done.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            found[program] = "not installed"
    return found


def report(results: Dict[str, Any]) -> str:
    lines = [
        "# Chat load benchmark",
        "",
        f"{results['cores']} CPU cores, load average {results['load_average']} at the start; "
        f"{results['when']}. Each conversation sends {results['messages_per_conversation']} messages back to back "
        "through the public chat API (loopback).",
        "",
        "| stack | start-up s | conversations | p50 ms | p95 ms | p99 ms | messages/s | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for stack in results["stacks"]:
        for run in stack["runs"]:
            think = f" (think {run['think_seconds']:.0f} s)" if run["think_seconds"] else ""
            lines.append(
                f"| {stack['stack']} | {stack.get('startup_seconds', '-')} | {run['concurrency']}{think} | "
                f"{run['p50_ms']} | {run['p95_ms']} | {run['p99_ms']} | {run['messages_per_second']} | "
                f"{run['errors']} |"
            )
        if stack.get("error"):
            lines.append(f"| {stack['stack']} | failed: {stack['error']} | | | | | | |")
    lines += ["", "Messages per second (chart):", "", "```"]
    best = max((run["messages_per_second"] for s in results["stacks"] for run in s["runs"]), default=1) or 1
    for stack in results["stacks"]:
        for run in stack["runs"]:
            bar = "#" * max(1, round(40 * run["messages_per_second"] / best))
            lines.append(f"{stack['stack'][:22]:<22} {run['concurrency']:>4}  {bar} {run['messages_per_second']}")
    lines += [
        "```",
        "",
        "CPU (cores busy), CPU per answered message (ms) and resident memory (MB) per process at the highest load.",
        "CPU per message does not depend on what else the machine runs; messages/s does. Cores a role could use",
        "divided by its CPU per message is the throughput it would reach on a machine of its own.",
        "",
    ]
    for stack in results["stacks"]:
        if stack["runs"]:
            last = max(stack["runs"], key=lambda run: run["concurrency"] if not run["think_seconds"] else 0)
            rate = last["messages_per_second"] or 0
            parts = [
                f"{name} {last['cpu_share'].get(name)} cores, "
                f"{round(1000 * last['cpu_share'].get(name, 0) / rate) if rate else '-'} ms/message, {mb} MB"
                for name, mb in last["rss_mb"].items()
            ]
            lines.append(f"- {stack['stack']}: " + "; ".join(parts))
    scaled = {s["replicas"]: s for s in results["stacks"] if s["replicas"] and s["runs"]}
    if 1 in scaled and 2 in scaled:
        top = [max(run["messages_per_second"] for run in scaled[n]["runs"]) for n in (1, 2)]
        lines += ["", f"Scaling: 2 replicas / 1 replica = {top[1] / top[0]:.2f}x "
                  f"({top[1] - top[0]:.1f} messages/s added by the second replica set)."]  # fmt: skip
    lines += ["", "Versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items()), ""]
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stacks", default="single,scaled1,scaled2", help="comma list: single, scaled1, scaled2")
    parser.add_argument("--think", action="store_true", help="also 200 conversations with 2 s think time")
    parser.add_argument("--max-seconds", type=float, default=90.0, help="bound on each load run")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args(argv)
    stacks = {"single": None, "scaled1": 1, "scaled2": 2}
    from bot.platform.load import CONVERSATION

    results: Dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cores": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "messages_per_conversation": len(CONVERSATION),
        "versions": versions(),
        "stacks": [],
    }
    for name in args.stacks.split(","):
        print(f"Measuring {name}...", flush=True)
        results["stacks"].append(measure_stack(stacks[name.strip()], args.think, args.max_seconds))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (args.out / "load.md").write_text(report(results), encoding="utf-8")
    print(f"Wrote {args.out / 'load.md'} and {args.out / 'load.json'}")


if __name__ == "__main__":
    main()
