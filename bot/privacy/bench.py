"""Redaction benchmark for `make bench`: quality and speed on the labelled corpus.

recall: share of identifier values (corpus `identifiers[*].values`) that no
longer appear in the redacted text, digits included; false_redaction_rate:
share of look-alikes that were changed at all; mean_us_per_message: mean
wall time per message over every corpus message.
"""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, Dict, List

import yaml

from .redact import redact

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "privacy" / "corpus.yml"
_NON_DIGIT = re.compile(r"\D")
_MIN_DIGITS_CHECKED = 5  # shorter digit strings (house numbers) occur naturally elsewhere


def _value_gone(value: str, redacted: str) -> bool:
    digits = _NON_DIGIT.sub("", value)
    if len(digits) >= _MIN_DIGITS_CHECKED and digits in _NON_DIGIT.sub("", redacted):
        return False
    return value not in redacted


def measure(corpus_path: str | Path = DEFAULT_CORPUS, repeats: int = 5) -> Dict[str, Any]:
    """Recall, false redaction rate and mean microseconds per message on a corpus file."""
    corpus = yaml.safe_load(Path(corpus_path).read_text(encoding="utf-8"))
    today = date.fromisoformat(str(corpus["reference_date"])) if corpus.get("reference_date") else None
    identifiers: List[Dict[str, Any]] = corpus["identifiers"]
    lookalikes: List[str] = corpus["lookalikes"]

    values = caught = kinds_right = 0
    for case in identifiers:
        result = redact(case["text"], today=today)
        kinds_right += set(result.kinds) == set(case["kinds"])
        for value in case["values"]:
            values += 1
            caught += _value_gone(value, result.text)
    changed = sum(redact(text, today=today).text != text for text in lookalikes)

    messages = [case["text"] for case in identifiers] + list(lookalikes)
    started = time.perf_counter()
    for _ in range(repeats):
        for text in messages:
            redact(text, today=today)
    elapsed = time.perf_counter() - started

    return {
        "recall": caught / values if values else 1.0,
        "false_redaction_rate": changed / len(lookalikes) if lookalikes else 0.0,
        "mean_us_per_message": elapsed / (repeats * len(messages)) * 1e6 if messages else 0.0,
        "kind_accuracy": kinds_right / len(identifiers) if identifiers else 1.0,
        "identifier_messages": len(identifiers),
        "identifier_values": values,
        "lookalikes": len(lookalikes),
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CORPUS), indent=2))
