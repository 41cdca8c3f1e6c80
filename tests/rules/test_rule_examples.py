"""Every rule's own examples, run through the real loader and matcher: `fires` must match, `quiet` must not.

A rule is written `{pattern: ..., fires: ..., quiet: ...}` in any rule file (a fact cue group carries
`fires`/`quiet` beside its phrases). The examples name the outcome: `fires` is a message where the decision
the rule serves comes out (an event, a handoff, a crisis), `quiet` one where it does not. So a cue's pattern
matches its `fires` example, while a veto's (veto, overrule, ignore, unless, figurative) matches its `quiet`
one: the message it silences. Rules without examples are counted: the count may only go down.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, List, Mapping, Tuple

import pytest

from bot.rules import files
from bot.rules.schema import examples, pattern_text

ROOT = Path(__file__).resolve().parents[2]
LIFE_CUES = ROOT / "bot/components/life_event_cues.yml"
FACT_CUES = ROOT / "bot/components/fact_cues.yml"
CASES = ROOT / "bot/handoff/complex_cases.yml"
SAFETY = {"en": ROOT / "bot/safety/patterns.yml", "fr": ROOT / "bot/safety/patterns_fr.yml"}

# rules still without both examples, per file: lower these as examples are written, never raise them
WITHOUT_EXAMPLES = {
    "life_event_cues": 0,
    "fact_cues": 1,
    "complex_cases": 0,
    "patterns.yml": 0,
    "patterns_fr.yml": 0,
}


def _items(value: Any) -> List[Any]:
    return [value] if isinstance(value, (str, Mapping)) else list(value or [])


def life_rules() -> Iterator[Tuple[str, Any]]:
    """(the matcher's rule key, entry) for every entry of life_event_cues.yml."""
    cues = files.load_life_event_cues(LIFE_CUES)
    for entry in _items(cues.get("ignore")):
        yield f"ignore::{pattern_text(entry)}", entry
    for spec in (cues.get("vetoes") or {}).values():
        kind = "overrule" if spec.get("scope") == "message" else "veto"
        for entry in _items(spec.get("entries")):
            yield f"{kind}:{','.join(sorted(spec['events']))}:{pattern_text(entry)}", entry
    for event, spec in (cues.get("events") or {}).items():
        for kind in ("strong", "veto", "overrule"):
            for entry in _items(spec.get(kind)):
                yield f"{kind}:{event}:{pattern_text(entry)}", entry
        background = spec.get("background") or {}
        for kind, key in (("background", "entries"), ("background_unless", "unless")):
            for entry in _items(background.get(key)):
                yield f"{kind}:{event}:{pattern_text(entry)}", entry


def fact_groups() -> Iterator[Tuple[str, str, Mapping[str, Any]]]:
    cues = files.load_fact_cues(FACT_CUES)
    for fact, values in (cues.get("facts") or {}).items():
        for key, group in (values or {}).items():
            yield fact, str(group.get("value", key)), group


def case_rules() -> Iterator[Tuple[str, Any]]:
    data = files.load_complex_cases(CASES)
    for section in ("asks_for_person", "asks_for_person_unless", "asks_for_person_fr", "asks_for_person_unless_fr"):
        for entry in data.get(section) or []:
            yield section, entry
    for case in data.get("cases") or []:
        for section in ("patterns", "unless"):
            for entry in case.get(section) or []:
                yield f"{case['kind']}.{section}", entry


def safety_rules(language: str) -> Iterator[Tuple[str, Any]]:
    data = files.load_safety_patterns(SAFETY[language])
    for entry in data.get("figurative") or []:
        yield "figurative", entry
    for signal in data.get("signals") or []:
        for section in ("patterns", "unless"):
            for entry in signal.get(section) or []:
                yield f"{signal['kind']}.{section}", entry


def with_examples(rules: Iterator[Tuple[Any, ...]]) -> List[Tuple[Any, ...]]:
    return [rule for rule in rules if any(examples(rule[-1]))]


def _missing(rules: Iterator[Tuple[Any, ...]]) -> int:
    return sum(1 for rule in rules if not all(examples(rule[-1])))


# -- life_event_cues.yml -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def life_matcher():
    from bot.components.life_events import LifeEventMatcher

    return LifeEventMatcher.from_files(LIFE_CUES)


def life_fired(matcher: Any, text: str) -> set:
    """The cue entries whose pattern matches `text` (before vetoes and negation: the rule itself)."""
    from bot.components.life_events import normalise

    doc = matcher.nlp.make_doc(normalise(text, matcher.contractions))
    strings = matcher.nlp.vocab.strings
    return {strings[match] for match, _, _ in list(matcher.phrases(doc)) + list(matcher.patterns(doc))}


LIFE = with_examples(life_rules())
SILENCERS = ("veto", "overrule", "ignore", "background")


@pytest.mark.parametrize("key, entry", LIFE, ids=[key for key, _ in LIFE])
def test_a_life_event_cue_fires_on_its_example_and_not_on_its_look_alike(life_matcher, key, entry):
    fires, quiet = examples(entry)
    assert fires and quiet, "write both examples"
    if key.split(":")[0] in SILENCERS:
        fires, quiet = quiet, fires
    assert key in life_fired(life_matcher, fires), f"{key!r} must match {fires!r}"
    assert key not in life_fired(life_matcher, quiet), f"{key!r} must not match {quiet!r}"


# -- fact_cues.yml -------------------------------------------------------------------------------

FACTS = [(f, v, g) for f, v, g in fact_groups() if g.get("fires") or g.get("quiet")]


@pytest.mark.parametrize("fact, value, group", FACTS, ids=[f"{f}={v}" for f, v, _ in FACTS])
def test_a_fact_cue_gives_its_value_on_its_example_and_not_on_its_look_alike(fact, value, group):
    from bot.components.fact_matcher import default_matcher

    def value_of(text: str) -> Any:
        found = [m for m in default_matcher().extract(text, only=[fact]) if m.fact == fact]
        return found[0].value if found else None

    assert group.get("fires") and group.get("quiet"), "write both examples"
    assert value_of(group["fires"]) == value
    assert value_of(group["quiet"]) != value


# -- complex_cases.yml ---------------------------------------------------------------------------

CASE_RULES = with_examples(case_rules())


@pytest.mark.parametrize("section, entry", CASE_RULES, ids=[f"{s}: {pattern_text(e)[:40]}" for s, e in CASE_RULES])
def test_a_handoff_rule_decides_its_examples(section, entry):
    from bot.handoff.rules import _clean, _compile, asks_for_person

    fires, quiet = examples(entry)
    pattern = _compile(pattern_text(entry), files.load_complex_cases(CASES).get("words"))
    assert fires and quiet, "write both examples"
    silencer = "unless" in section
    assert pattern.search(_clean(quiet if silencer else fires)), "the rule itself must match its example"
    if section.startswith("asks_for_person"):
        assert asks_for_person(fires), f"{fires!r} asks for a person"
        assert not asks_for_person(quiet), f"{quiet!r} asks for nobody"
    else:
        assert not pattern.search(_clean(fires if silencer else quiet))


# -- safety patterns -----------------------------------------------------------------------------

SAFETY_RULES = [(language, *rule) for language in SAFETY for rule in with_examples(safety_rules(language))]


@pytest.mark.parametrize(
    "language, section, entry", SAFETY_RULES, ids=[f"{lang} {s}: {pattern_text(e)[:40]}" for lang, s, e in SAFETY_RULES]
)
def test_a_safety_rule_decides_its_examples(language, section, entry):
    from bot.safety import detect
    from bot.safety.detector import default_detector

    detector = default_detector().by_language(language)
    fires, quiet = examples(entry)
    assert fires and quiet, "write both examples"
    silencer = section.endswith("unless") or section == "figurative"
    own = quiet if silencer else fires
    assert detector.pattern_matches(pattern_text(entry), own), "the rule itself must match its example"
    assert detect(quiet) is None, f"{quiet!r} is no crisis"
    if section != "figurative":
        kind = section.split(".")[0]
        assert kind in [s.kind for s in default_detector().detect_all(fires)], f"{fires!r} is a {kind} crisis"


# -- how many rules still lack examples ----------------------------------------------------------


def test_rules_without_examples_only_become_fewer():
    counts = {
        "life_event_cues": _missing(life_rules()),
        "fact_cues": sum(1 for _, _, g in fact_groups() if not (g.get("fires") and g.get("quiet"))),
        "complex_cases": _missing(case_rules()),
        "patterns.yml": _missing(safety_rules("en")),
        "patterns_fr.yml": _missing(safety_rules("fr")),
    }
    for name, count in counts.items():
        assert count <= WITHOUT_EXAMPLES[name], f"{name}: {count} rules without examples; give new rules examples"
