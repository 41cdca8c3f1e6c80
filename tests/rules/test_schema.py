"""Every rule file is refused, with file:line, when YAML or a typo would silently change what it means."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.rules import files
from bot.rules.schema import RuleFileError

ROOT = Path(__file__).resolve().parents[2]
REAL_FILES = [
    (files.load_life_event_cues, "bot/components/life_event_cues.yml"),
    (files.load_fact_cues, "bot/components/fact_cues.yml"),
    (files.load_complex_cases, "bot/handoff/complex_cases.yml"),
    (files.load_safety_patterns, "bot/safety/patterns.yml"),
    (files.load_safety_patterns, "bot/safety/patterns_fr.yml"),
]


@pytest.mark.parametrize("loader, path", REAL_FILES, ids=[p for _, p in REAL_FILES])
def test_the_real_rule_files_load_clean(loader, path):
    assert loader(ROOT / path)


def refused(loader, tmp_path: Path, text: str) -> str:
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        loader(path)
    return str(caught.value)


LIFE = files.load_life_event_cues
FACTS = files.load_fact_cues
CASES = files.load_complex_cases
SAFETY = files.load_safety_patterns

BAD = [
    # (loader, file text, line, what the message says)
    (FACTS, "settings:\n  negation_words: [no, not]\n", 2, "bare 'no' reads as a yes/no value"),
    (SAFETY, "lists:\n  me: [i, we]\n  us: [nous,\n       on]\n", 4, "bare 'on'"),
    (LIFE, "events:\n  birth:\n    strong: [gave birth]\n    stong: [had a baby]\n", 4, "unknown key 'stong'"),
    (CASES, "cases:\n  - kind: x\n    paterns: ['a']\n", 3, "unknown key 'paterns'"),
    (
        CASES,
        "cases:\n  - kind: x\n    patterns:\n      - 'ok'\n      - '(unclosed'\n",
        5,
        "malformed regular expression",
    ),
    (FACTS, "facts:\n  has_will:\n    \"true\":\n      regex: ['[a-']\n", 4, "malformed regular expression"),
    (LIFE, "events:\n  birth:\n    strong:\n      - 'had *x baby'\n", 4, "write a gap as *N"),
    (LIFE, "events:\n  birth:\n    strong:\n      - 'since #2020-1990'\n", 4, "#LOW-HIGH"),
    (SAFETY, "signals:\n  - kind: suicide\n    patterns:\n      - 'end *3 life'\n", 4, "is no wildcard"),
    (FACTS, 'facts:\n  has_will:\n    "true":\n      patterns: [[{LOWR: will}]]\n', 4, "malformed token pattern"),
    (
        LIFE,
        "lists:\n  kin: [mom]\nevents:\n  birth:\n    strong: ['my {kinn} had a baby']\n",
        5,
        "unknown word list 'kinn'",
    ),
    (
        SAFETY,
        "lists:\n  me: [i]\nsignals:\n  - kind: suicide\n    patterns: ['@mee want to die']\n",
        5,
        "word list 'mee'",
    ),
    (FACTS, 'facts:\n  has_wil:\n    "true":\n      phrases: [a will]\n', 2, "unknown fact 'has_wil'"),
    (LIFE, "events:\n  brith:\n    strong: [gave birth]\n", 2, "unknown life event 'brith'"),
    (CASES, "cases:\n  - kind: x\n    needs_event: deaths\n", 3, "unknown life event 'deaths'"),
    (CASES, "cases:\n  - kind: x\n    entities: {born_in_ontaro: 'false'}\n", 3, "unknown fact 'born_in_ontaro'"),
    (SAFETY, "signals:\n  - kind: sucide\n    patterns: [die]\n", 2, "'sucide' is not one of"),
    (CASES, "settings:\n  default_queue: general\n  default_queue: other\n", 3, "given twice (first at line 2)"),
    (CASES, "cases:\n  - kind: x\n    heated_not_dangerous: yes please\n", 3, "expected true or false"),
    (CASES, "asks_for_person:\n  - {pattern: 'agent', fire: 'an agent'}\n", 2, "unknown key 'fire'"),
    (LIFE, "events: [birth\n", 2, "not valid YAML"),
    (CASES, "words:\n  kin: [son]\ncases:\n  - kind: x\n    patterns: ['my {kid} died']\n", 5, "word list 'kid'"),
]


@pytest.mark.parametrize("loader, text, line, message", BAD, ids=[b[3] for b in BAD])
def test_a_wrong_rule_file_is_refused_with_file_and_line(loader, text, line, message, tmp_path):
    problems = refused(loader, tmp_path, text)
    assert f"rules.yml:{line}: " in problems
    assert message in problems


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    problems = refused(CASES, tmp_path, "cases:\n  - kind: x\n    paterns: ['a']\n    unless: ['(']\n")
    assert "rules.yml:3: " in problems and "rules.yml:4: " in problems


def test_a_quoted_word_is_text_and_a_good_file_loads_as_yaml_reads_it(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text('settings:\n  negation_words: ["no", not]\n  negation_window: 3\n', encoding="utf-8")
    assert files.load_fact_cues(path) == {"settings": {"negation_words": ["no", "not"], "negation_window": 3}}


def test_the_loaders_use_the_check(tmp_path):
    from bot.handoff.rules import load_config

    path = tmp_path / "complex_cases.yml"
    path.write_text("cases:\n  - kind: x\n    patern: ['a']\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"complex_cases.yml:3: .*unknown key 'patern'"):
        load_config(path)
