"""A small sampling profiler for the stack's processes (py-spy is not installed here).

A thread reads every other thread's Python stack (`sys._current_frames`) every
few milliseconds and counts, per function, the samples in which it was running
(self) or on the stack (inclusive). Samples of a thread that is only waiting
(an event loop's select, an idle worker thread, a lock) are counted apart, so
the shares are of the time the process was busy. Unlike cProfile it sees every
thread (the web app does its database work in a thread pool) and costs little.
The report is rewritten every few seconds, so a process killed at the end of a
run leaves its numbers behind.

Started in every Python process of a run by bot/platform/profile_load.py
(a `sitecustomize` that calls `start` when ONEWINDOW_SAMPLE_DIR is set).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Dict, Tuple

# Leaf frames of a thread that waits rather than works (the frame that called into C to block).
IDLE = {
    ("selectors.py", "select"),
    ("threading.py", "wait"),
    ("threading.py", "_wait_for_tstate_lock"),
    ("queue.py", "get"),
    ("thread.py", "_worker"),
    ("base_events.py", "_run_once"),
    ("connection.py", "_read_from_socket"),
    ("sampler.py", "_run"),
    # an event loop written in C (uvloop, asyncio's selector in C) waits in the frame that started it
    ("runners.py", "serve"),
    ("_compat.py", "asyncio_run"),
    ("base_events.py", "run_forever"),
    ("processes.py", "watch"),
}

Key = Tuple[str, str, int]  # (file, function, first line)


class Sampler:
    def __init__(self, folder: Path, interval: float = 0.005, write_every: float = 5.0) -> None:
        self.folder, self.interval, self.write_every = folder, interval, write_every
        self.inclusive: Counter = Counter()
        self.own: Counter = Counter()
        self.busy = 0
        self.idle = 0
        self._reset_seen: float = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="onewindow-sampler", daemon=True)

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def _run(self) -> None:
        me = threading.get_ident()
        last_write = time.monotonic()
        while not self._stop.is_set():
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                self._sample(frame)
            now = time.monotonic()
            if now - last_write >= self.write_every:
                self._reset_if_asked()
                self.write()
                last_write = now
            time.sleep(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _reset_if_asked(self) -> None:
        """A `reset` file newer than the last one seen: count afresh (start-up is not the load)."""
        try:
            stamp = (self.folder / "reset").stat().st_mtime
        except OSError:
            return
        if stamp != self._reset_seen:
            self._reset_seen = stamp
            self.inclusive.clear()
            self.own.clear()
            self.busy = self.idle = 0

    def _sample(self, frame) -> None:  # type: ignore[no-untyped-def]
        leaf = _key(frame)
        if (os.path.basename(leaf[0]), leaf[1]) in IDLE:
            self.idle += 1
            return
        self.busy += 1
        self.own[leaf] += 1
        seen = set()
        while frame is not None:
            key = _key(frame)
            if key not in seen:
                seen.add(key)
                self.inclusive[key] += 1
            frame = frame.f_back

    def write(self, top: int = 45) -> None:
        busy = max(self.busy, 1)
        lines = [
            f"process {os.getpid()}: {' '.join(sys.argv)[:200]}",
            f"busy samples {self.busy}, idle samples {self.idle} (every {self.interval * 1000:.0f} ms, all threads)",
            "",
            "inclusive % of busy samples (on the stack):",
        ]
        lines += [f"  {100 * n / busy:5.1f}%  {_name(key)}" for key, n in self.inclusive.most_common(top)]
        lines += ["", "self % (running in that function):"]
        lines += [f"  {100 * n / busy:5.1f}%  {_name(key)}" for key, n in self.own.most_common(25)]
        out = self.folder / f"{_role(sys.argv)}-{os.getpid()}.txt"  # argv is final by now (python -m)
        with contextlib.suppress(OSError):  # a folder removed at the end of a run
            out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _key(frame) -> Key:  # type: ignore[no-untyped-def]
    code = frame.f_code
    return (code.co_filename, code.co_name, code.co_firstlineno)


def _name(key: Key) -> str:
    path = key[0]
    for marker in ("site-packages/", "/work/main/", "lib/python3.10/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{key[2]} {key[1]}"


def start_from_environment() -> None:
    """Start sampling this process if ONEWINDOW_SAMPLE_DIR names a folder (once per process)."""
    folder = os.environ.get("ONEWINDOW_SAMPLE_DIR")
    if not folder:
        return
    Sampler(Path(folder)).start()


def _role(argv: list) -> str:
    text = " ".join(argv)
    if argv and os.path.basename(str(argv[0])) == "rasa":
        return "rasa"  # bot/servers/rasa_server.py hands Rasa's CLI an argv of its own
    roles = (("rasa_server", "rasa"), ("action_server", "actions"), ("uvicorn", "web"), ("onewindow", "cli"))
    for needle, role in roles:
        if needle in text:
            return role
    return "python"


SITECUSTOMIZE = "from bot.platform.sampler import start_from_environment\nstart_from_environment()\n"


def summaries(folder: Path) -> Dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))}
