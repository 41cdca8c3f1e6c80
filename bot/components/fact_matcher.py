"""Rule-based recognition of catalogue facts in free text (no Rasa needed).

Cue phrases come from bot/components/fact_cues.yml, municipality names from
the catalogue's municipality directory (official names, short names and
aliases). The Rasa component (fact_extractor.py) and the assistant's answer
parsing (bot/assistant/answers.py) share this one matcher.

Two modes:
- contextual (a whole message): cues that need context get it ("my mother"
  only means relationship_to_deceased=child near a word about a death;
  "Alberta" only means arrived_from=province after "from"), and ambiguous
  municipality names ("King", "Tiny") need a capital and a place word;
- answer (the reply to one question about one fact): those requirements are
  relaxed, since the question supplies the context.

Besides phrases, a message settles facts by position: a place right after an
event's verb says where it happened ("born in Mexico": born_in_ontario=false,
`place_after`), and a date next to one event's words is that event's date
("my dad died on March 3rd": death_date, `dates`), read in Ontario time.

Words are compared lower-cased and without accents, on the message's side and the cues' alike
(each token's NORM, see `fold`): people write French with or without them, so "décédé" also
finds "decede" and "Québec" "quebec", and the file lists one spelling. A word whose unaccented
form is another word keeps its accent (settings `keep_accents`: "né", not the negation "ne").
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from bot.components.dates import find_date, local_today
from bot.components.spacy_loader import blank_english, load_spacy
from bot.once import process_wide
from bot.rules.files import load_fact_cues
from bot.safety.detector import strip_accents

CUES_PATH = Path(__file__).with_name("fact_cues.yml")
MUNICIPALITY = "municipality"
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
MAX_TEXT_CHARS = 5000
PLACE_KINDS = ("outside", "ontario")
# Where people came from (arrived_from's phrases) is also where a birth or death abroad happened.
OUTSIDE_PLACE_FACT = "arrived_from"
# French elision is its own token, so "d'Haïti" and "l'hôpital" hold the words "Haïti" and "hôpital", and a
# cue ending in "d'" ("arrivés d'") matches them ("n't" excepted: English contractions keep their tokens).
ELISION_PREFIX = r"(?i:[cdjlmst]|n(?!'t)|qu|jusqu|lorsqu|puisqu)'(?=\w|$)"


@dataclass(frozen=True)
class FactMention:
    """One place in a text that states a fact's value."""

    fact: str
    value: str
    start: int
    end: int
    text: str
    distance: int = 0  # tokens to the nearest context word (cues with `near`)
    origin: bool = False  # a municipality named after "from"


@dataclass
class _Group:
    fact: str
    key: str
    value: Optional[str]  # None: shadows other mentions of the fact
    near: Optional[str] = None
    not_near: Optional[str] = None
    before: Optional[str] = None
    negatable: bool = False
    regexes: List[re.Pattern] = field(default_factory=list)
    place_after: Optional[str] = None  # word list: a place right after one of these words settles the fact
    place: str = ""  # "outside" (Ontario) or "ontario": which places count for place_after


@dataclass
class _Raw:
    group: _Group
    start: int  # token indices
    end: int
    from_pattern: bool = False

    @property
    def length(self) -> int:
        return self.end - self.start


def _as_list(value: Any) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


class FactMatcher:
    """Finds fact values in text; build once per process (see `default()`)."""

    def __init__(self, cues: Mapping[str, Any], municipality_names: Iterable[Tuple[str, str]]) -> None:
        spacy = load_spacy()
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = blank_english()
        prefixes = list(self.nlp.Defaults.prefixes or []) + [ELISION_PREFIX]
        self.nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(prefixes).search
        self._lock = threading.Lock()
        settings = cues.get("settings", {}) or {}
        self.keep_accents = {unicodedata.normalize("NFC", w.lower()) for w in _as_list(settings.get("keep_accents"))}
        self.window = int(settings.get("context_window", 8))
        self.negation_window = int(settings.get("negation_window", 3))
        self.negation_words = self._words(settings.get("negation_words"))
        self.uncertain_words = self._words(settings.get("uncertain_words"))
        self.uncertain_after = {"or"}
        self.clause_breaks = self._words(settings.get("clause_breaks"))

        self.phrases = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.patterns = Matcher(self.nlp.vocab)
        self.context = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.places = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.groups: Dict[str, _Group] = {}
        self.context_lists: Dict[str, List[str]] = {}
        self._spacy = spacy

        for name, words in (cues.get("word_lists") or {}).items():
            self._add_context_list(name, _as_list(words))
        self._add_phrases(self.context, "ignore", _as_list(cues.get("ignore")))

        self.outside = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.relation_words: Set[str] = set()
        for fact, values in (cues.get("facts") or {}).items():
            for key, spec in (values or {}).items():
                self._add_group(fact, str(key), spec or {})
                if fact == "relationship_to_deceased":
                    words = _as_list((spec or {}).get("phrases"))
                    self.relation_words.update(self.fold(p) for p in words if " " not in p)

        # dates said in passing: {fact: (word list, past)}
        self.date_facts: Dict[str, Tuple[str, bool]] = {}
        for fact, spec in (cues.get("dates") or {}).items():
            if not isinstance(spec, Mapping) or not spec.get("words"):
                raise ValueError(f"fact_cues.yml: dates.{fact} needs words (and optionally past: true)")
            words = self._context_ref(spec["words"], f"dates|{fact}")
            self.date_facts[str(fact)] = (str(words), bool(spec.get("past", False)))
        self.date_breaks = self._words(settings.get("date_breaks"))

        self.place_after_groups = [g for g in self.groups.values() if g.place_after]

        muni = cues.get("municipality") or {}
        # as written: "Orleans" may be New Orleans, "Orléans" is Ottawa's
        self.ambiguous = {w.lower() for w in _as_list(muni.get("ambiguous"))}
        self.place_words = self._words(muni.get("place_words"))
        self.municipal_words = self._words(muni.get("municipal_words"))
        self.foreign_followers = self._words(muni.get("foreign_followers"))
        self._add_phrases(self.outside, "outside", _outside_places(cues))
        self.official: Dict[str, str] = {}
        by_official: Dict[str, List[str]] = {}
        for surface, official in municipality_names:
            self.official[surface.lower()] = official
            by_official.setdefault(official, []).append(surface)
        for official, surfaces in by_official.items():
            # "St. Catharines" is one token "St." when capitalised but "st" "." in lower case: both forms
            self._add_phrases(self.places, f"muni|{official}", sorted(set(surfaces) | {s.title() for s in surfaces}))

    # -- building -------------------------------------------------------------------------------

    def fold(self, word: str) -> str:
        """How a word is compared: lower case, without accents unless `keep_accents` lists it."""
        lowered = unicodedata.normalize("NFC", word.lower())
        return lowered if lowered in self.keep_accents else strip_accents(lowered)

    def _words(self, words: Any) -> Set[str]:
        return {self.fold(w) for w in _as_list(words)}

    def _doc(self, text: str) -> Any:
        """Tokens whose NORM is their folded form (overriding spaCy's own norms: "n't" stays "n't")."""
        doc = self.nlp.make_doc(text)
        for token in doc:
            token.norm_ = self.fold(token.text)
        return doc

    def folded(self, text: str) -> Tuple[str, ...]:
        """The words of `text` as the matcher compares them."""
        with self._lock:  # making a doc adds to the shared vocabulary
            return tuple(token.norm_ for token in self._doc(text.translate(APOSTROPHES)))

    def _add_phrases(self, matcher: Any, key: str, phrases: Sequence[str]) -> None:
        docs = [self._doc(p.translate(APOSTROPHES)) for p in phrases if p and p.strip()]
        if docs:
            matcher.add(key, docs)

    def _add_context_list(self, name: str, words: List[str]) -> str:
        if name not in self.context_lists:
            self.context_lists[name] = words
            self._add_phrases(self.context, f"ctx|{name}", words)
        return name

    def _context_ref(self, value: Any, owner: str) -> Optional[str]:
        if value is None:
            return None
        if isinstance(value, str):
            if value not in self.context_lists:
                raise ValueError(f"fact_cues.yml: {owner} refers to unknown word list {value!r}")
            return value
        return self._add_context_list(f"{owner}|inline", _as_list(value))

    def _add_group(self, fact: str, key: str, spec: Mapping[str, Any]) -> None:
        group_id = f"{fact}|{key}"
        value = None if key == "_ignore" else str(spec.get("value", key))
        group = _Group(
            fact=fact,
            key=key,
            value=value,
            near=self._context_ref(spec.get("near"), f"{group_id}|near"),
            not_near=self._context_ref(spec.get("not_near"), f"{group_id}|not_near"),
            before=self._context_ref(spec.get("before"), f"{group_id}|before"),
            negatable=bool(spec.get("negatable", False)),
            regexes=[re.compile(r, re.IGNORECASE) for r in _as_list(spec.get("regex"))],
        )
        after = spec.get("place_after")
        if after:
            if not isinstance(after, Mapping) or after.get("place") not in PLACE_KINDS:
                raise ValueError(f"fact_cues.yml: {group_id}: place_after needs words and place: outside|ontario")
            group.place_after = self._context_ref(after.get("words"), f"{group_id}|place_after")
            group.place = str(after["place"])
        self.groups[group_id] = group
        self._add_phrases(self.phrases, group_id, _as_list(spec.get("phrases")))
        patterns = spec.get("patterns") or []
        if patterns:
            self.patterns.add(group_id, [list(p) for p in patterns])

    @classmethod
    def from_files(cls, cues_path: Path = CUES_PATH, seed_dir: Optional[Path] = None) -> FactMatcher:
        from onewindow_catalogue.municipalities import SEED_DIR, load_directory

        cues = load_fact_cues(Path(cues_path))
        directory = load_directory(seed_dir or SEED_DIR)
        return cls(cues, directory.names_for_matching())

    # -- matching -------------------------------------------------------------------------------

    def facts(self) -> Set[str]:
        return {group.fact for group in self.groups.values()} | {MUNICIPALITY} | set(self.date_facts)

    def mentions(
        self,
        text: str,
        contextual: bool = True,
        only: Optional[Iterable[str]] = None,
        today: Optional[dt.date] = None,
    ) -> List[FactMention]:
        """Every accepted mention (several per fact possible), in text order."""
        text = (text or "")[:MAX_TEXT_CHARS]
        if not text.strip():
            return []
        wanted = set(only) if only is not None else None
        clean = text.translate(APOSTROPHES)
        with self._lock:  # spaCy matchers are not guaranteed thread-safe
            doc = self._doc(clean)
            phrase_hits = self.phrases(doc)
            pattern_hits = self.patterns(doc)
            context_hits = self.context(doc)
            place_hits = self.places(doc)
            outside_hits = [(start, end) for _, start, end in self.outside(doc)]
        strings = self.nlp.vocab.strings

        ignore_spans: List[Tuple[int, int]] = []
        context: Dict[str, List[Tuple[int, int]]] = {}
        for match_id, start, end in context_hits:
            key = strings[match_id]
            if key == "ignore":
                ignore_spans.append((start, end))
            else:
                context.setdefault(key[4:], []).append((start, end))
        # a context word inside an ignored phrase ("real estate") does not count
        for name, spans in context.items():
            context[name] = [s for s in spans if not _shadowed(s, ignore_spans)]

        raw: List[_Raw] = []
        for match_id, start, end in phrase_hits:
            group = self.groups.get(strings[match_id])
            if group is not None:
                raw.append(_Raw(group, start, end))
        for match_id, start, end in pattern_hits:
            group = self.groups.get(strings[match_id])
            if group is not None:
                raw.append(_Raw(group, start, end, from_pattern=True))
        for group in self.groups.values():
            for regex in group.regexes:
                for found in regex.finditer(clean):
                    span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
                    if span is not None and len(span):
                        raw.append(_Raw(group, span.start, span.end, from_pattern=True))

        longer_places = [(i.start, i.end) for i in raw if i.group.fact == OUTSIDE_PLACE_FACT] + ignore_spans
        towns = self._municipality_items(doc, place_hits, longer_places, contextual)
        places = {"outside": outside_hits, "ontario": [(i.start, i.end) for i in towns]}
        raw.extend(self._placed_events(doc, context, places))

        results: List[FactMention] = []
        by_fact: Dict[str, List[_Raw]] = {}
        for item in raw:
            if wanted is not None and item.group.fact not in wanted:
                continue
            if _shadowed((item.start, item.end), ignore_spans):
                continue
            by_fact.setdefault(item.group.fact, []).append(item)
        for items in by_fact.values():
            shadows = [(i.start, i.end) for i in items if i.group.value is None]
            kept = _longest_first(
                [i for i in items if i.group.value is not None and not _shadowed((i.start, i.end), shadows)]
            )
            for item in kept:
                mention = self._accept(doc, item, context, contextual)
                if mention is not None:
                    results.append(mention)

        if wanted is None or MUNICIPALITY in wanted:
            results.extend(self._municipalities(doc, towns, context))
        results.extend(m for m in self._dates(doc, context, today) if wanted is None or m.fact in wanted)
        results.sort(key=lambda m: (m.start, m.end))
        return results

    def extract(
        self,
        text: str,
        contextual: bool = True,
        only: Optional[Iterable[str]] = None,
        today: Optional[dt.date] = None,
    ) -> List[FactMention]:
        """At most one mention per fact: the value the text settles on."""
        grouped: Dict[str, List[FactMention]] = {}
        for mention in self.mentions(text, contextual=contextual, only=only, today=today):
            grouped.setdefault(mention.fact, []).append(mention)
        chosen: List[FactMention] = []
        for fact, mentions in grouped.items():
            pick = _choose_municipality(mentions) if fact == MUNICIPALITY else _choose_value(mentions)
            if pick is not None:
                chosen.append(pick)
        chosen.sort(key=lambda m: m.start)
        return chosen

    # -- checks ---------------------------------------------------------------------------------

    def _accept(
        self, doc: Any, item: _Raw, context: Mapping[str, List[Tuple[int, int]]], contextual: bool
    ) -> Optional[FactMention]:
        group = item.group
        distance = 0
        if contextual:
            if group.near:
                distance = _nearest(item, context.get(group.near, []))
                if distance > self.window:
                    return None
            if group.not_near and _nearest(item, context.get(group.not_near, [])) <= self.window:
                return None
            if group.before and not any(0 <= item.start - end <= 2 for _, end in context.get(group.before, [])):
                return None
        if self._uncertain(doc, item):
            return None
        value = group.value or ""
        if self._negated(doc, item.start):
            if group.negatable and value == "true":
                value = "false"
            elif group.negatable:
                return None
        if group.fact == "relationship_to_deceased" and not item.from_pattern:
            value = self._relationship(doc, item, value, context.get("reporter", []))
            if value is None:
                return None
        span = doc[item.start : item.end]
        return FactMention(group.fact, value, span.start_char, span.end_char, span.text, distance)

    def _clause_before(self, doc: Any, start: int, width: int) -> List[str]:
        words: List[str] = []
        index = start - 1
        while index >= 0 and len(words) < width:
            word = doc[index].norm_
            if word in self.clause_breaks:
                break
            words.append(word)
            index -= 1
        return words

    def _negated(self, doc: Any, start: int) -> bool:
        return any(word in self.negation_words for word in self._clause_before(doc, start, self.negation_window))

    def _uncertain(self, doc: Any, item: _Raw) -> bool:
        if any(word in self.uncertain_words for word in self._clause_before(doc, item.start, self.negation_window + 1)):
            return True
        after = [t.norm_ for t in doc[item.end : item.end + 2]]
        return bool(after) and after[0] in self.uncertain_after

    def _relationship(
        self, doc: Any, item: _Raw, value: str, reporters: Sequence[Tuple[int, int]] = ()
    ) -> Optional[str]:
        """ "my wife's father" and "his mother" (said by someone else) are in-laws or
        other relatives; the possessor in "my wife's father" is not the deceased."""
        after = [t.norm_ for t in doc[item.end : item.end + 2]]
        if after[:1] == ["'s"] or after[:1] == ["s"]:
            following = doc[item.end + 1 : item.end + 4]
            if any(self._is_relation_word(t.norm_) for t in following):
                return None
        before = [t.norm_ for t in doc[max(0, item.start - 3) : item.start]]
        if len(before) >= 2 and before[-1] in ("'s", "s") and self._is_relation_word(before[-2]):
            return "other_relative"
        if before[-1:] and before[-1] in ("his", "her", "their") and value in ("child", "parent", "sibling"):
            # "caller says her father died": an agent relaying a caller speaks of the caller in the third person
            if any(end <= item.start for _, end in reporters):
                return value
            return "other_relative"
        return value

    def _is_relation_word(self, word: str) -> bool:
        return word in self.relation_words

    def _municipality_items(
        self,
        doc: Any,
        place_hits: Sequence[Tuple[int, int, int]],
        longer_places: Sequence[Tuple[int, int]],
        contextual: bool,
    ) -> List[_Raw]:
        """Ontario municipalities named in the text (not "London, England", not "king" the word)."""
        strings = self.nlp.vocab.strings
        candidates = []
        for match_id, start, end in place_hits:
            if _shadowed((start, end), longer_places):
                continue
            candidates.append(_Raw(_Group(MUNICIPALITY, "", strings[match_id][5:]), start, end))
        kept: List[_Raw] = []
        for item in _longest_first(candidates):
            surface = doc[item.start : item.end].text.lower()
            if contextual and surface in self.ambiguous and not self._placed(doc, item):
                continue
            if not self._foreign(doc, item.end):
                kept.append(item)
        return kept

    def _municipalities(
        self, doc: Any, towns: Sequence[_Raw], context: Mapping[str, List[Tuple[int, int]]]
    ) -> List[FactMention]:
        found: List[FactMention] = []
        origins = context.get("origin", [])
        for item in towns:
            span = doc[item.start : item.end]
            origin = any(0 <= item.start - end <= 2 for _, end in origins)
            found.append(
                FactMention(MUNICIPALITY, item.group.value or "", span.start_char, span.end_char, span.text, 0, origin)
            )
        return found

    def _dates(
        self, doc: Any, context: Mapping[str, List[Tuple[int, int]]], today: Optional[dt.date]
    ) -> List[FactMention]:
        """ "my dad died on March 3rd": a date in the same stretch of text (up to a `date_breaks`
        token) as the words of exactly one date fact is that fact's value, as an ISO date."""
        found: List[FactMention] = []
        today = today or local_today()  # once per message, not once per stretch of text
        bounds = [0] + [t.i + 1 for t in doc if t.norm_ in self.date_breaks] + [len(doc)]
        for start, end in zip(bounds, bounds[1:], strict=False):
            facts = [
                (fact, past)
                for fact, (words, past) in self.date_facts.items()
                if any(start <= s and e <= end for s, e in context.get(words, []))
            ]
            if len(facts) != 1 or start >= end:
                continue
            fact, past = facts[0]
            piece = doc[start:end]
            date = find_date(piece.text, today, past=past)
            if date is None or self._negated(doc, start):
                continue
            first = piece.start_char
            found.append(
                FactMention(
                    fact,
                    date.date.isoformat(),
                    first + date.start,
                    first + date.end,
                    doc.text[first + date.start : first + date.end],
                )
            )
        return found

    def _placed_events(
        self, doc: Any, context: Mapping[str, List[Tuple[int, int]]], places: Mapping[str, List[Tuple[int, int]]]
    ) -> List[_Raw]:
        """ "born in Mexico", "had my son at a hospital in Buffalo", "died in Hamilton": a place
        a few words after the event's verb, in the same clause, says where it happened."""
        found: List[_Raw] = []
        for group in self.place_after_groups:
            for _, verb_end in context.get(group.place_after, []):
                for start, end in places[group.place]:
                    gap = [t.norm_ for t in doc[verb_end:start]]
                    if verb_end <= start <= verb_end + self.window and not self.clause_breaks.intersection(gap):
                        found.append(_Raw(group, verb_end - 1, end, from_pattern=True))
                        break
        return found

    def _placed(self, doc: Any, item: _Raw) -> bool:
        span = doc[item.start : item.end]
        capitalised = any(t.text[:1].isupper() for t in span if t.norm_ not in ("the", "of", "and"))
        before = {t.norm_ for t in doc[max(0, item.start - 2) : item.start]}
        after = doc[item.end].norm_ if item.end < len(doc) else ""
        return capitalised and (bool(before & self.place_words) or after in self.municipal_words)

    def _foreign(self, doc: Any, end: int) -> bool:
        index = end
        while index < len(doc) and doc[index].is_punct:
            index += 1
        return index < len(doc) and doc[index].norm_ in self.foreign_followers and index - end <= 1


def _outside_places(cues: Mapping[str, Any]) -> List[str]:
    """Places outside Ontario: where people arrive from, plus the municipality section's extras."""
    arrived = (cues.get("facts") or {}).get(OUTSIDE_PLACE_FACT) or {}
    names = [p for spec in arrived.values() for p in _as_list((spec or {}).get("phrases"))]
    return names + _as_list((cues.get("municipality") or {}).get("outside_places"))


def _shadowed(span: Tuple[int, int], others: Iterable[Tuple[int, int]]) -> bool:
    """Inside a strictly longer span."""
    start, end = span
    return any(s <= start and end <= e and (e - s) > (end - start) for s, e in others)


def _longest_first(items: List[_Raw]) -> List[_Raw]:
    kept: List[_Raw] = []
    for item in sorted(items, key=lambda i: (-i.length, i.start)):
        if all(item.end <= k.start or item.start >= k.end for k in kept):
            kept.append(item)
        elif any(k.start == item.start and k.end == item.end and k.group is not item.group for k in kept):
            kept.append(item)  # same words, two values (or a pattern and a phrase): settled by _choose_value
    return sorted(kept, key=lambda i: i.start)


def _nearest(item: _Raw, spans: Iterable[Tuple[int, int]]) -> int:
    best = 10**6
    for start, end in spans:
        if end <= item.start:
            best = min(best, item.start - end)
        elif start >= item.end:
            best = min(best, start - item.end)
        else:
            best = 0
    return best


def _choose_value(mentions: List[FactMention]) -> Optional[FactMention]:
    values = {m.value for m in mentions}
    if len(values) == 1:
        return mentions[0]
    best = min(m.distance for m in mentions)
    closest = [m for m in mentions if m.distance == best]
    if len({m.value for m in closest}) == 1 and any(m.distance > best for m in mentions):
        return closest[0]
    return None


def _choose_municipality(mentions: List[FactMention]) -> Optional[FactMention]:
    """Where the person is: the last place not named as where they came from."""
    staying = [m for m in mentions if not m.origin]
    return (staying or mentions)[-1] if mentions else None


@process_wide
def default_matcher() -> FactMatcher:
    """The process-wide matcher built from fact_cues.yml and the seed directory."""
    return FactMatcher.from_files()
