"""Things built once per process.

The rule matchers (spaCy patterns from cue files, the catalogue and 444
municipalities) take seconds to build and never change while a process runs:
every caller shares one, built on first use."""

from __future__ import annotations

import functools
import threading
from typing import Callable, List, TypeVar

T = TypeVar("T")


def process_wide(build: Callable[[], T]) -> Callable[[], T]:
    """`build()` once per process (under a lock: two threads must not both spend the seconds)."""
    lock = threading.Lock()
    built: List[T] = []

    @functools.wraps(build)
    def shared() -> T:
        if not built:
            with lock:
                if not built:
                    built.append(build())
        return built[0]

    return shared
