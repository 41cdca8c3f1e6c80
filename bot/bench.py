"""`make bench`: the speed and memory goals, measured, never asserted in tests.

- bundle build time at the real size and on generated catalogues of 100,
  1 000 and 10 000 services;
- triage latency per message (p50/p95) beside Rasa's bare NLU parse of the
  same messages, with one model loaded in this process;
- redaction recall, false-redaction rate and time per message;
- the last training time (recorded by `onewindow train`).
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))]


def bundle_bench() -> List[Dict[str, float]]:
    from onewindow_catalogue.bench import measure
    from onewindow_catalogue.loading import read_catalogue

    return measure(read_catalogue(ROOT / "catalogue" / "seed"))


def triage_bench(parser: Any, snapshot: Any, texts: List[str]) -> Dict[str, float]:
    from bot.triage.nlu import run
    from bot.triage.service import clean_text, triage

    parse_ms, triage_ms = [], []
    for text in texts:
        start = time.perf_counter()
        run(parser.parse(text))
        parse_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        cleaned = clean_text(text)
        triage(cleaned, run(parser.parse(cleaned)), snapshot)
        triage_ms.append((time.perf_counter() - start) * 1000)
    return {
        "messages": len(texts),
        "nlu_parse_p50_ms": round(statistics.median(parse_ms), 2),
        "nlu_parse_p95_ms": round(percentile(parse_ms, 0.95), 2),
        "triage_p50_ms": round(statistics.median(triage_ms), 2),
        "triage_p95_ms": round(percentile(triage_ms, 0.95), 2),
    }


def redaction_bench() -> Dict[str, float]:
    from bot.privacy.bench import measure

    return measure(ROOT / "tests" / "privacy" / "corpus.yml")


def training_time(data_dir: Path) -> Dict[str, Any]:
    record = data_dir / "train_time.json"
    return json.loads(record.read_text()) if record.exists() else {"seconds": None, "note": "run 'onewindow train'"}
