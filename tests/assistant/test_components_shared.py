"""The plumbing the rule components share (bot/once.py, bot/components/shared.py)."""

from __future__ import annotations

import threading
import time

from bot.components.shared import renormalised
from bot.once import process_wide


def test_process_wide_builds_once_even_when_threads_race():
    calls = []

    @process_wide
    def slow():
        calls.append(1)
        time.sleep(0.05)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len({id(r) for r in results}) == 1


def test_renormalised_keeps_what_is_asked_and_rescales():
    ranking = [
        {"name": "crisis", "confidence": 0.5},
        {"name": "birth", "confidence": 0.3},
        {"name": "greet", "confidence": 0.1},
    ]
    rest = renormalised(ranking, lambda name: name != "crisis")
    assert [r["name"] for r in rest] == ["birth", "greet"]
    assert abs(rest[0]["confidence"] - 0.75) < 1e-9 and abs(rest[1]["confidence"] - 0.25) < 1e-9
    assert ranking[1]["confidence"] == 0.3  # the input is left alone
    assert renormalised([{"name": "crisis", "confidence": 0.0}], lambda name: True) == [
        {"name": "crisis", "confidence": 0.0}
    ]
