"""The labelled test sets measure recognition only while nothing like them is trained on.

Every case of tests/nlu_* is compared with every training example in data/nlu:
no exact copy (beyond greetings of a word or two) and no near copy (three
quarters of the words shared)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, List, Set, Tuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TEST_SETS = sorted((ROOT / "tests").glob("nlu_*/cases.yml"))
NEAR = 0.75
SHORT = 3  # "hi", "hello there": too short to be worth rewording


def words(text: str) -> Tuple[str, ...]:
    return tuple(re.sub(r"[^a-z0-9' ]", " ", text.lower()).split())


def training_examples() -> Iterator[Tuple[str, str]]:
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield path.name, line.strip()[2:]


def jaccard(a: Set[str], b: Set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def test_there_are_test_sets():
    assert {p.parent.name for p in TEST_SETS} >= {"nlu_heldout", "nlu_blind"}


@pytest.mark.parametrize("path", TEST_SETS, ids=lambda p: p.parent.name)
def test_no_case_is_a_copy_of_a_training_example(path):
    training = [(name, text, set(words(text))) for name, text in training_examples()]
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    copies: List[str] = []
    for number, case in enumerate(cases, start=1):
        mine = words(case["text"])
        if len(mine) <= SHORT:
            continue
        for name, text, theirs in training:
            if jaccard(set(mine), theirs) >= NEAR:
                copies.append(f"case {number} ~ {name}: {text!r}")  # the case's own text is not printed
    assert not copies, "\n".join(copies)
