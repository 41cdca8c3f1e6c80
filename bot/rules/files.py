"""The shape of every hand-written rule file, and the checks of their token-pattern languages.

One place says what each file may contain, so a misspelled key, a bare yes/no, a malformed regular
expression or pattern, or a name nothing defines is refused at load with its file and line
(bot/rules/schema.py). The loaders (life_events.py, fact_matcher.py, handoff/rules.py,
safety/detector.py) call the `load_*` functions here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping

import yaml
from yaml.nodes import Node

from bot.rules.schema import (
    Check,
    Choice,
    Entry,
    Fields,
    Flag,
    ListOf,
    MapOf,
    Number,
    Pattern,
    Ref,
    Regex,
    Shape,
    Text,
    load,
)

SEED_DIR = Path(__file__).resolve().parents[2] / "catalogue" / "seed"
WORD_LIST = "word list"
LIFE_EVENT = "life event"
FACT = "fact"
MAX_NUMBER_RANGE = 200  # as life_events.py: "#1940-2023" expands to that many words
SAFETY_KINDS = ("suicide", "violence", "medical", "shelter", "danger")  # bot.safety.detector.KINDS


@lru_cache(maxsize=1)
def catalogue_names() -> Dict[str, List[str]]:
    """Life event and fact ids of the seed catalogue: the names rule files may refer to."""

    def ids(name: str) -> List[str]:
        try:
            items = yaml.safe_load((SEED_DIR / name).read_text(encoding="utf-8")) or []
        except OSError:
            return []
        return [str(item["id"]) for item in items if isinstance(item, dict) and item.get("id")]

    return {LIFE_EVENT: ids("life_events.yml"), FACT: ids("facts.yml")}


# -- token pattern languages -------------------------------------------------------------------


def life_event_pattern(text: str, report: Callable[[str], None], refer: Callable[[str, str], None]) -> None:
    """life_event_cues.yml: `a|b`, `{list}`, `word?`, `*N` gaps, `#A-B` number ranges."""
    for piece in text.split():
        if piece.startswith("*"):
            if not re.fullmatch(r"\*\d+", piece):
                report(f"write a gap as *N (e.g. *3), not {piece!r}")
            continue
        body = piece[:-1] if piece.endswith("?") and len(piece) > 1 else piece
        for atom in body.split("|"):
            if not atom:
                report(f"empty alternative in {piece!r}")
            elif re.match(r"#\d", atom):
                numbers = re.fullmatch(r"#(\d+)-(\d+)", atom)
                if not numbers or not int(numbers.group(1)) <= int(numbers.group(2)) <= int(numbers.group(1)) + 200:
                    report(f"{atom!r} must be #LOW-HIGH, going up by at most {MAX_NUMBER_RANGE}")
            elif "{" in atom or "}" in atom:
                name = re.fullmatch(r"\{(\w+)\}", atom)
                if not name:
                    report(f"write a word list as {{name}}, not {atom!r}")
                else:
                    refer(WORD_LIST, name.group(1))


def safety_pattern(text: str, report: Callable[[str], None], refer: Callable[[str, str], None]) -> None:
    """patterns*.yml: `a|b`, `@list`, `~typo`, `word?`, `*`/`*2`/`*4`, `pre*`, `$`."""
    for token in text.split():
        body = token[:-1] if token.endswith("?") and len(token) > 1 else token
        if re.fullmatch(r"\*\d*", body):
            if body not in ("*", "*2", "*4"):
                report(f"{body!r} is no wildcard (use *, *2 or *4)")
            continue
        if body == "$":
            continue
        for alternative in body.split("|"):
            if not alternative or alternative in ("@", "~", "*"):
                report(f"empty alternative in {token!r}")
            elif alternative.startswith("@"):
                refer(WORD_LIST, alternative[1:])


class TokenPatterns(Shape):
    """spaCy Matcher token patterns (a list of patterns, each a list of token dicts), checked by spaCy's
    own schema (spacy.schemas.validate_token_pattern)."""

    def check(self, node: Node, check: Check, where: str) -> None:
        from spacy.schemas import validate_token_pattern

        loader = yaml.SafeLoader("")
        try:
            value = loader.construct_object(node, deep=True)
        finally:
            loader.dispose()
        if not isinstance(value, list):
            check.fail(node, f"{where}: expected a list of token patterns")
            return
        for index, pattern in enumerate(value):
            problems = validate_token_pattern(pattern) if isinstance(pattern, list) else ["not a list of tokens"]
            for problem in problems:
                check.fail(node, f"{where}[{index}]: malformed token pattern: {problem}")


# -- the files ---------------------------------------------------------------------------------

TEXTS = ListOf(Text())
LIFE_ENTRY = Entry(Pattern(life_event_pattern))
LIFE_ENTRIES = ListOf(LIFE_ENTRY, single=True)

LIFE_EVENT_CUES = Fields(
    {
        "settings": Fields(
            {
                "negation_window": Number(),
                "negation_words": TEXTS,
                "clause_breaks": TEXTS,
                "gap_stop": TEXTS,
                "contractions": MapOf(Text()),
            }
        ),
        "lists": MapOf(TEXTS, defines=WORD_LIST),
        "ignore": LIFE_ENTRIES,
        "vetoes": MapOf(
            Fields(
                {"events": ListOf(Ref(LIFE_EVENT)), "scope": Choice(("message", "clause")), "entries": LIFE_ENTRIES},
                required=("events", "entries"),
            )
        ),
        "events": MapOf(
            Fields(
                {
                    "strong": LIFE_ENTRIES,
                    "veto": LIFE_ENTRIES,
                    "overrule": LIFE_ENTRIES,
                    "background": Fields({"entries": LIFE_ENTRIES, "unless": LIFE_ENTRIES}, required=("entries",)),
                }
            ),
            key=Ref(LIFE_EVENT),
        ),
        "places": Fields(
            {
                "from_words": TEXTS,
                "to_words": TEXTS,
                "outside_ontario": TEXTS,
                "ontario_places": TEXTS,
                "licence_words": TEXTS,
                "lived_in": Fields({"after": TEXTS, "subjects": TEXTS, "present": TEXTS, "moves": TEXTS}),
            }
        ),
    }
)

WORDS_OR_LIST = ListOf(Text())  # a list of words; a lone name is a Ref (see _WordsOrRef)


class _WordsOrRef(Shape):
    """fact_cues.yml `near`, `before`...: a word list's name, or the words themselves."""

    def check(self, node: Node, check: Check, where: str) -> None:
        if isinstance(node, yaml.ScalarNode):
            Ref(WORD_LIST).check(node, check, where)
        else:
            WORDS_OR_LIST.check(node, check, where)


FACT_GROUP = Fields(
    {
        "phrases": TEXTS,
        "patterns": TokenPatterns(),
        "regex": ListOf(Regex(), single=True),
        "near": _WordsOrRef(),
        "not_near": _WordsOrRef(),
        "before": _WordsOrRef(),
        "negatable": Flag(),
        "value": Text(),
        "place_after": Fields({"words": _WordsOrRef(), "place": Choice(("outside", "ontario"))}, required=("place",)),
        "fires": Text(),  # a message that gives this value
        "quiet": Text(),  # a look-alike that must not
    }
)

FACT_CUES = Fields(
    {
        "settings": Fields(
            {
                "context_window": Number(),
                "negation_window": Number(),
                "negation_words": TEXTS,
                "uncertain_words": TEXTS,
                "keep_accents": TEXTS,
                "clause_breaks": TEXTS,
                "date_breaks": TEXTS,
            }
        ),
        "dates": MapOf(Fields({"words": _WordsOrRef(), "past": Flag()}, required=("words",)), key=Ref(FACT)),
        "word_lists": MapOf(TEXTS, defines=WORD_LIST),
        "ignore": TEXTS,
        "municipality": Fields(
            {
                "ambiguous": TEXTS,
                "place_words": TEXTS,
                "municipal_words": TEXTS,
                "foreign_followers": TEXTS,
                "outside_places": TEXTS,
            }
        ),
        "facts": MapOf(MapOf(FACT_GROUP), key=Ref(FACT)),
    }
)


class HandoffRegex(Regex):
    """complex_cases.yml: a regex that may name `{outside_ontario}` and the file's `words` lists ("{child_age}")."""

    def check(self, node: Node, check: Check, where: str) -> None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            for name in re.findall(r"\{([a-z_]+)\}", node.value):
                if name != "outside_ontario":
                    check.refer(WORD_LIST, name, node, where)
        super().check(node, check, where)


HANDOFF_REGEX = HandoffRegex({"{outside_ontario}": "abroad"})
HANDOFF_ENTRIES = ListOf(Entry(HANDOFF_REGEX))

COMPLEX_CASES = Fields(
    {
        "settings": Fields(
            {"not_understood_after": Number(), "priority_queue": Text(), "default_queue": Text()},
        ),
        "words": MapOf(ListOf(Regex()), defines=WORD_LIST),  # regex alternatives, used as {name}
        "asks_for_person": HANDOFF_ENTRIES,
        "asks_for_person_unless": HANDOFF_ENTRIES,
        "asks_for_person_fr": HANDOFF_ENTRIES,
        "asks_for_person_unless_fr": HANDOFF_ENTRIES,
        "cases": ListOf(
            Fields(
                {
                    "kind": Text(),
                    "patterns": HANDOFF_ENTRIES,
                    "unless": HANDOFF_ENTRIES,
                    "entities": MapOf(Text(), key=Ref(FACT)),
                    "contradicted_by": MapOf(Text(), key=Ref(FACT)),
                    "needs_event": Ref(LIFE_EVENT),
                    "heated_not_dangerous": Flag(),
                },
                required=("kind",),
            )
        ),
    }
)

SAFETY_ENTRIES = ListOf(Entry(Pattern(safety_pattern)))

SAFETY_PATTERNS = Fields(
    {
        "settings": Fields(
            {
                "language": Text(),
                "strip_accents": Flag(),
                "apostrophes": Choice(("space", "drop")),
                "veto_window": Number(),
                "min_clause_words": Number(),
                "comma_clauses": Flag(),
                "conjunctions": TEXTS,
                "clause_words": TEXTS,
                "contractions": ListOf(ListOf(Text())),
                "immediate": TEXTS,
                "not_typos": TEXTS,
                "shared_prefixes": TEXTS,
            }
        ),
        "normalise": MapOf(Text()),
        "lists": MapOf(TEXTS, defines=WORD_LIST),
        "figurative": SAFETY_ENTRIES,
        "confirm_words": TEXTS,
        "signals": ListOf(
            Fields(
                {
                    "kind": Choice(SAFETY_KINDS),
                    "patterns": SAFETY_ENTRIES,
                    "unless": SAFETY_ENTRIES,
                },
                required=("kind", "patterns"),
            )
        ),
    }
)


def _load(path: Path, shape: Shape) -> Mapping[str, Any]:
    return load(path, shape, catalogue_names()) or {}


def load_life_event_cues(path: Path) -> Mapping[str, Any]:
    return _load(path, LIFE_EVENT_CUES)


def load_fact_cues(path: Path) -> Mapping[str, Any]:
    return _load(path, FACT_CUES)


def load_complex_cases(path: Path) -> Mapping[str, Any]:
    return _load(path, COMPLEX_CASES)


def load_safety_patterns(path: Path) -> Mapping[str, Any]:
    return _load(path, SAFETY_PATTERNS)
