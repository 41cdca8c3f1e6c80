"""The labelled test sets measure recognition only while nothing like them is trained on.

Every case of tests/recognition/*/ is compared with every training example in data/nlu:
no exact copy (beyond greetings of a word or two) and no near copy (three
quarters of the words shared)."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# Wherever the labelled sets live (tests/nlu_*/ or under tests/recognition/).
TEST_SETS = sorted({*(ROOT / "tests").glob("nlu_*/cases.yml"), *(ROOT / "tests" / "recognition").rglob("cases.yml")})
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


@lru_cache(maxsize=1)
def training_index() -> Tuple[List[Tuple[str, str, Set[str]]], Dict[str, List[int]]]:
    """The training examples tokenised once per run, and which examples hold each word."""
    training = [(name, text, set(words(text))) for name, text in training_examples()]
    holding: Dict[str, List[int]] = {}
    for number, (_, _, theirs) in enumerate(training):
        for word in theirs:
            holding.setdefault(word, []).append(number)
    return training, holding


def near_copies(mine: Set[str]) -> Iterator[Tuple[str, str]]:
    """Training examples sharing at least NEAR of their words with `mine` (only
    examples sharing a word are looked at; the Jaccard index decides)."""
    training, holding = training_index()
    shared = Counter(number for word in mine for number in holding.get(word, ()))
    for number, count in shared.items():
        name, text, theirs = training[number]
        if count / (len(mine) + len(theirs) - count) >= NEAR:
            assert jaccard(mine, theirs) >= NEAR
            yield name, text


def test_there_are_test_sets():
    assert {p.parent.name for p in TEST_SETS} >= {"heldout", "blind"}


def test_a_near_copy_is_found():
    """The index finds what the plain Jaccard comparison would: a training example
    with one word changed is a near copy; half its words are not."""
    name, text, theirs = next(item for item in training_index()[0] if len(item[2]) >= 8)
    reworded = set(theirs) - {sorted(theirs)[0]} | {"zzzunseen"}
    assert (name, text) in set(near_copies(reworded))
    assert (name, text) not in set(near_copies(set(sorted(theirs)[: len(theirs) // 2]) | {"zzzunseen"}))


@pytest.mark.parametrize("path", TEST_SETS, ids=lambda p: p.parent.name)
def test_no_case_is_a_copy_of_a_training_example(path):
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    copies: List[str] = []
    for number, case in enumerate(cases, start=1):
        mine = words(case["text"])
        if len(mine) <= SHORT:
            continue
        for name, text in near_copies(set(mine)):
            copies.append(f"case {number} ~ {name}: {text!r}")  # the case's own text is not printed
    assert not copies, "\n".join(copies)
