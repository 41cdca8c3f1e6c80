"""Rule-based life-event cues, and how they are combined with the learned event scores.

The learned EventClassifier (event_classifier.py: the multilingual sentence encoder beside TF-IDF)
gives each event a probability P(e). What it cannot know for sure, a phrase can: "passed away" is a
death, "my cat passed away" is none. So this module finds the phrases (`detect_events`, the cue file
life_event_cues.yml, for English text) and `decide`s with both. Pure logic: no Rasa imports (the Rasa
component is life_event_recogniser.py).

Cues (per event, see the YAML header):
- strong: decide the event alone ("passed away", "gave birth", "incorporate",
  "new to Canada", "moved here from Alberta");
- veto: blocks the event's strong cues in the same clause and the model anywhere
  in the message (pets, things or businesses that "die", figurative uses, an
  adult's own birth certificate, closing a business, a move within Ontario or out
  of it, a long-settled resident...);
- overrule: a veto for the whole message, strong cues included (a
  miscarriage: the maternity leave it mentions is no birth);
- background: an event long past, told as the background of another event
  ("my husband died in 2019; now I'm opening a B&B with the insurance money"):
  an overrule, but only when another event has a strong cue and none of the
  event's `unless` phrases (what follows a death: estate, survivor benefit...)
  is in the message.

Decision for each event e, checked in this order:
1. a strong cue (not vetoed, not negated)                         -> in
   Phrases like "passed away" are rarely wrong, and the model's usual miss is the
   second event of a message.
2. a veto                                                         -> out
   Hard evidence against the event beats the model's guess ("my cat passed away").
3. P(e) >= event_threshold (config.yml, LifeEventRecogniser)      -> in
4. otherwise                                                      -> out
Events are returned in the canonical order new_business, birth, bereavement,
new_to_ontario.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from bot.components.spacy_loader import blank_english, load_spacy
from bot.once import process_wide
from bot.rules.files import load_fact_cues, load_life_event_cues
from bot.rules.schema import pattern_text

EVENTS: Tuple[str, ...] = ("new_business", "birth", "bereavement", "new_to_ontario")
NEW_TO_ONTARIO = "new_to_ontario"
STRONG, VETO = "strong", "veto"
OVERRULE = "overrule"  # a veto for the whole message, not just its clause
BACKGROUND, BACKGROUND_UNLESS = "background", "background_unless"  # see the module docstring
CUES_PATH = Path(__file__).with_name("life_event_cues.yml")
FACT_CUES_PATH = Path(__file__).with_name("fact_cues.yml")
SPLIT = "+"
MAX_TEXT_CHARS = 5000
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
HYPHEN_IN_WORD = re.compile(r"(?<=[^\W_])-(?=[^\W\d_])")  # "self-employed", "2-week-old"
NUMBER_RANGE = re.compile(r"#(\d+)-(\d+)")
MAX_NUMBER_RANGE = 200  # "#1940-2023" is a list of words for the matcher: keep it short
TEMPLATE_MARKS = re.compile(r"[{|?*]|#\d+-\d+")


# -- thresholds of combine() (explained in the module docstring) -------------------------------


@dataclass(frozen=True)
class Thresholds:
    event: float = 0.5  # rule 3: the learned P(e) that decides alone
    strong_confidence: float = 0.9  # reported confidence floor of an event with a strong cue


DEFAULT_THRESHOLDS = Thresholds()


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    """The best evidence for one event in a message.

    strength is "strong" or "veto" (only vetoed or blocked mentions:
    the event must not be taken from the model either). `phrase` is the cue-file
    entry that matched, `text` the words of the message."""

    event: str
    strength: str
    phrase: str
    text: str
    vetoed_by: str = ""


@dataclass(frozen=True)
class Decision:
    """One recognised event: its confidence and which rule decided it."""

    event: str
    confidence: float
    reason: str  # "strong cue" or "model"


@dataclass(frozen=True)
class _Rule:
    key: str
    kind: str  # strong | veto | overrule | background | background_unless | ignore
    events: FrozenSet[str]
    entry: str


@dataclass
class _Hit:
    rule: _Rule
    start: int  # token indices
    end: int
    clause: int
    vetoed_by: str = ""


@dataclass
class Analysis:
    """Everything found in one message (for explanations and tests)."""

    text: str
    hits: List[_Hit] = field(default_factory=list)
    vetoes: List[_Hit] = field(default_factory=list)
    words: List[str] = field(default_factory=list)

    def span(self, hit: _Hit) -> str:
        return " ".join(self.words[hit.start : hit.end])


# -- the cue file -----------------------------------------------------------------------------


def _as_list(value: Any) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


def _entries(value: Any) -> List[str]:
    """The patterns of a list of cue entries (each a string, or {pattern, fires, quiet} with its examples)."""
    return [pattern_text(item) for item in ([value] if isinstance(value, (str, Mapping)) else value or [])]


def normalise(text: str, contractions: Mapping[str, str]) -> str:
    """Straight apostrophes, "self-employed" = "self employed", "im" = "i'm"."""
    clean = (text or "")[:MAX_TEXT_CHARS].translate(APOSTROPHES)
    clean = HYPHEN_IN_WORD.sub(" ", clean)
    if contractions:
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, contractions)) + r")\b", re.IGNORECASE)
        clean = pattern.sub(lambda m: contractions[m.group(1).lower()], clean)
    return clean


class LifeEventMatcher:
    """Finds life-event cues in text; build once per process (see `default_matcher()`)."""

    def __init__(
        self,
        cues: Mapping[str, Any],
        ontario_places: Iterable[str] = (),
        outside_places: Iterable[str] = (),
        foreign_followers: Iterable[str] = (),
    ) -> None:
        _check_scalars(cues)
        load_spacy()
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = blank_english()
        self._lock = threading.Lock()
        settings = cues.get("settings", {}) or {}
        self.contractions = {str(k).lower(): str(v) for k, v in (settings.get("contractions") or {}).items()}
        self.negation_window = int(settings.get("negation_window", 2))
        self.negation_words = {w.lower() for w in _as_list(settings.get("negation_words"))}
        self.clause_breaks = {w.lower() for w in _as_list(settings.get("clause_breaks"))}
        self.gap_stop = sorted(self.clause_breaks | {w.lower() for w in _as_list(settings.get("gap_stop"))})
        self.lists = {
            name: sorted({w.lower() for w in _as_list(words)}) for name, words in (cues.get("lists") or {}).items()
        }
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.patterns = Matcher(self.nlp.vocab)
        self.rules: Dict[str, _Rule] = {}
        self._load_rules(cues)
        self._load_places(cues.get("places") or {}, ontario_places, outside_places, foreign_followers, PhraseMatcher)

    # -- building ------------------------------------------------------------------------------

    def _load_rules(self, cues: Mapping[str, Any]) -> None:
        for entry in _entries(cues.get("ignore")):
            self._add(entry, "ignore", frozenset())
        for name, spec in (cues.get("vetoes") or {}).items():
            events = frozenset(_as_list(spec.get("events")))
            _check_events(events, f"vetoes.{name}")
            kind = OVERRULE if spec.get("scope") == "message" else VETO
            for entry in _entries(spec.get("entries")):
                self._add(entry, kind, events)
        for event, spec in (cues.get("events") or {}).items():
            _check_events({event}, "events")
            for kind in (STRONG, VETO, OVERRULE):
                for entry in _entries((spec or {}).get(kind)):
                    self._add(entry, kind, frozenset({event}))
            background = (spec or {}).get(BACKGROUND) or {}
            for kind, key in ((BACKGROUND, "entries"), (BACKGROUND_UNLESS, "unless")):
                for entry in _entries(background.get(key)):
                    self._add(entry, kind, frozenset({event}))

    def _add(self, entry: str, kind: str, events: FrozenSet[str]) -> None:
        key = f"{kind}:{','.join(sorted(events))}:{entry}"
        if key in self.rules:
            return
        self.rules[key] = _Rule(key, kind, events, entry)
        if TEMPLATE_MARKS.search(entry):
            self.patterns.add(key, [self._compile(entry)])
        else:
            self.phrases.add(key, [self._doc(entry)])

    def _doc(self, text: str) -> Any:
        return self.nlp.make_doc(normalise(text, self.contractions).lower())

    def _compile(self, entry: str) -> List[Dict[str, Any]]:
        """A template ("lost|losing my {relative}", "start *4 {biz_noun}") as Matcher token specs."""
        specs: List[Dict[str, Any]] = []
        for piece in entry.split():
            if re.fullmatch(r"\*\d+", piece):
                specs.append({"LOWER": {"NOT_IN": self.gap_stop}, "OP": f"{{0,{int(piece[1:])}}}"})
                continue
            if piece.startswith("*"):
                raise ValueError(f"life_event_cues.yml: write a gap as *N (e.g. *3), not {piece!r}, in {entry!r}")
            optional = piece.endswith("?") and len(piece) > 1
            piece = piece[:-1] if optional else piece
            words = self._alternatives(piece, entry)
            if len(words) == 1 and not optional and "{" not in piece and not piece.startswith("'"):
                specs.extend({"LOWER": t.text} for t in self._doc(words[0]))
                continue
            spec: Dict[str, Any] = {"LOWER": {"IN": words}}
            if optional:
                spec["OP"] = "?"
            specs.append(spec)
        return specs

    def _alternatives(self, piece: str, entry: str) -> List[str]:
        words: List[str] = []
        for atom in piece.split("|"):
            numbers = NUMBER_RANGE.fullmatch(atom)
            if numbers:  # "#1950-2021": every whole number in the range (years, ages)
                low, high = int(numbers.group(1)), int(numbers.group(2))
                if not low <= high <= low + MAX_NUMBER_RANGE:
                    raise ValueError(
                        f"life_event_cues.yml: {atom!r} in {entry!r} must go up, by at most {MAX_NUMBER_RANGE}"
                    )
                words.extend(str(n) for n in range(low, high + 1))
            elif atom.startswith("{") and atom.endswith("}"):
                name = atom[1:-1]
                if name not in self.lists:
                    raise ValueError(f"life_event_cues.yml: unknown list {{{name}}} in {entry!r}")
                words.extend(self.lists[name])
            elif atom.startswith("'"):  # a contraction's second half ("'m", "'s") is one token in a sentence
                words.append(atom.lower())
            else:
                tokens = [t.text for t in self._doc(atom)]
                if len(tokens) != 1 and "|" in piece:
                    raise ValueError(f"life_event_cues.yml: {atom!r} in {entry!r} is several tokens; split the entry")
                words.append(" ".join(tokens) if len(tokens) != 1 else tokens[0])
        return sorted(set(words))

    def _load_places(
        self,
        spec: Mapping[str, Any],
        ontario_places: Iterable[str],
        outside_places: Iterable[str],
        foreign_followers: Iterable[str],
        phrase_matcher: Any,
    ) -> None:
        self.from_words = {w.lower() for w in _as_list(spec.get("from_words"))}
        self.to_words = {w.lower() for w in _as_list(spec.get("to_words"))}
        self.licence_words = {w.lower() for w in _as_list(spec.get("licence_words"))}
        lived = spec.get("lived_in") or {}
        self.lived_words = {w.lower() for w in _as_list(lived.get("after"))}
        self.lived_move_words = {w.lower() for w in _as_list(lived.get("moves"))}
        self.lived_subjects = {w.lower() for w in _as_list(lived.get("subjects"))}
        self.lived_present_words = {w.lower() for w in _as_list(lived.get("present"))}
        self.move_words = set(self.lists.get("move_verb", []))
        self.foreign_followers = {w.lower() for w in foreign_followers}
        self.places = phrase_matcher(self.nlp.vocab, attr="LOWER")
        outside = {p.lower() for p in list(outside_places) + _as_list(spec.get("outside_ontario"))}
        inside = {p.lower() for p in list(ontario_places) + _as_list(spec.get("ontario_places"))} - outside
        self.places.add("OUT", [self._doc(p) for p in sorted(outside)])
        self.places.add("ON", [self._doc(p) for p in sorted(inside)])

    @classmethod
    def from_files(
        cls, cues_path: Path = CUES_PATH, fact_cues_path: Path = FACT_CUES_PATH, seed_dir: Optional[Path] = None
    ) -> LifeEventMatcher:
        """The cue file plus the places shared with the FactExtractor (fact_cues.yml and the
        municipality directory), so both components agree on what is outside Ontario."""
        from onewindow_catalogue.municipalities import SEED_DIR, load_directory

        cues = load_life_event_cues(Path(cues_path))
        outside, followers, ambiguous = _fact_cue_places(Path(fact_cues_path))
        directory = load_directory(seed_dir or SEED_DIR)
        ontario = [name for name, _ in directory.names_for_matching() if name.lower() not in ambiguous]
        return cls(cues, ontario, outside, followers)

    # -- matching ------------------------------------------------------------------------------

    def analyse(self, text: str) -> Analysis:
        """Every cue and veto in `text`, with vetoes and negations applied."""
        clean = normalise(text, self.contractions)
        with self._lock:  # spaCy matchers are not guaranteed thread-safe
            doc = self.nlp.make_doc(clean)
            raw = [(m, s, e) for m, s, e in self.phrases(doc)] + [(m, s, e) for m, s, e in self.patterns(doc)]
            place_hits = list(self.places(doc))
        words = [t.lower_ for t in doc]
        clauses = self._clauses(words)
        strings = self.nlp.vocab.strings
        hits = [_Hit(self.rules[strings[m]], s, e, clauses[s]) for m, s, e in raw if strings[m] in self.rules]
        hits.extend(self._place_hits(words, clauses, place_hits))
        ignored = [(h.start, h.end) for h in hits if h.rule.kind == "ignore"]
        hits = [h for h in hits if h.rule.kind != "ignore" and not _inside((h.start, h.end), ignored)]
        vetoes = [h for h in hits if h.rule.kind in (VETO, OVERRULE)]
        cues = [h for h in hits if h.rule.kind == STRONG and not self._negated(words, clauses, h)]
        for hit in cues:
            blocker = next((v for v in vetoes if _blocks(v, hit)), None)
            if blocker is not None:
                hit.vetoed_by = blocker.rule.entry
        for background in _backgrounds(hits, cues):
            vetoes.append(background)
            for hit in cues:
                if not hit.vetoed_by and background.rule.events & hit.rule.events:
                    hit.vetoed_by = background.rule.entry
        cues.sort(key=lambda h: (h.start, h.end))
        return Analysis(text=text, hits=cues, vetoes=vetoes, words=words)

    def detect(self, text: str) -> Dict[str, Cue]:
        """The best cue per event (strong; "veto" when only blocked mentions are left)."""
        analysis = self.analyse(text)
        found: Dict[str, Cue] = {}
        for event in EVENTS:
            cue = _best_cue(analysis, event)
            if cue is not None:
                found[event] = cue
        return found

    def _clauses(self, words: Sequence[str]) -> List[int]:
        clause, ids = 0, []
        for word in words:
            if word in self.clause_breaks:
                clause += 1
            ids.append(clause)
        return ids

    def _negated(self, words: Sequence[str], clauses: Sequence[int], hit: _Hit) -> bool:
        start = max(0, hit.start - self.negation_window)
        return any(words[i] in self.negation_words and clauses[i] == hit.clause for i in range(start, hit.start))

    # -- places (new_to_ontario) ------------------------------------------------------------------

    def _place_hits(
        self, words: Sequence[str], clauses: Sequence[int], place_hits: Sequence[Tuple[int, int, int]]
    ) -> List[_Hit]:
        """Arrival from outside Ontario, moves within it and moves out of it (see the YAML `places`)."""
        places = self._places(words, place_hits)
        found: List[_Hit] = []
        for clause in sorted(set(clauses)):
            found.extend(self._clause_place_hits(words, clauses, clause, places))
        found.extend(self._lived_outside(words, clauses, places))
        return found

    def _lived_outside(
        self, words: Sequence[str], clauses: Sequence[int], places: Mapping[int, Tuple[str, int]]
    ) -> List[_Hit]:
        """ "I grew up in Michigan. Moving to Windsor this summer": the writer's life outside Ontario ("my
        brother lived in Winnipeg" is his), and a move anywhere in the message."""
        leads = [
            i
            for i in range(1, len(words))
            if words[i] == "in"
            and words[i - 1] in self.lived_words
            and self.lived_subjects & set(words[max(0, i - 4) : i])
        ]
        origins = [span for kind, span in self._after(words, leads, places, {"in"}) if kind == "OUT"]
        if any(word in self.lived_move_words for word in words):
            return [
                self._place_hit("moving, lived in <outside Ontario>", STRONG, start, end, clauses[start])
                for start, end in origins
            ]
        # no move: someone who lives outside Ontario and stays there ("I live in Kelowna; can I handle
        # his Ontario estate from BC?") is arriving nowhere
        return [
            self._place_hit("lives in <outside Ontario>", VETO, start, end, clauses[start])
            for start, end in origins
            if words[start - 1] in self.lived_present_words  # `start` is the "in"; before it, "live"
        ]

    def _places(self, words: Sequence[str], place_hits: Sequence[Tuple[int, int, int]]) -> Dict[int, Tuple[str, int]]:
        """Start token -> (ON|OUT, end) for the longest place starting there (OUT wins a tie)."""
        strings = self.nlp.vocab.strings
        best: Dict[int, Tuple[str, int]] = {}
        for match_id, start, end in place_hits:
            kind = strings[match_id]
            if kind == "ON" and self._foreign(words, end):
                kind = "OUT"
            current = best.get(start)
            if current is None or end > current[1] or (end == current[1] and kind == "OUT"):
                best[start] = (kind, end)
        return best

    def _foreign(self, words: Sequence[str], end: int) -> bool:
        """ "London, England" and "Kingston Jamaica" are not the Ontario ones."""
        index = end
        while index < len(words) and words[index] in {",", "."}:
            index += 1
        return index < len(words) and index - end <= 1 and words[index] in self.foreign_followers

    def _clause_place_hits(
        self, words: Sequence[str], clauses: Sequence[int], clause: int, places: Mapping[int, Tuple[str, int]]
    ) -> List[_Hit]:
        indices = [i for i, c in enumerate(clauses) if c == clause]
        moving = any(words[i] in self.move_words for i in indices)
        origins = self._after(words, indices, places, self.from_words)
        destinations = self._after(words, indices, places, self.to_words)
        found: List[_Hit] = []
        outside_origin = [span for kind, span in origins if kind == "OUT"]
        for start, end in outside_origin if moving else []:
            found.append(self._place_hit("moved from <outside Ontario>", STRONG, start, end, clause))
        for start, end in self._licences(words, indices, places):
            found.append(self._place_hit("<outside Ontario> licence", STRONG, start, end, clause))
        for start, end in self._outside_to_ontario(words, indices, places):
            found.append(self._place_hit("<outside Ontario> to <Ontario place>", STRONG, start, end, clause))
        if moving and not outside_origin:
            for kind, (start, end) in origins:
                if kind == "ON":
                    found.append(self._place_hit("moved from <Ontario place>", VETO, start, end, clause))
            for kind, (start, end) in destinations:
                if kind == "OUT":
                    found.append(self._place_hit("moving to <outside Ontario>", VETO, start, end, clause))
        return found

    def _after(
        self, words: Sequence[str], indices: Sequence[int], places: Mapping[int, Tuple[str, int]], lead: Set[str]
    ) -> List[Tuple[str, Tuple[int, int]]]:
        """Places right after one of the `lead` words ("from", "to"), at most one word between."""
        found = []
        for i in indices:
            if words[i] not in lead:
                continue
            for start in (i + 1, i + 2):
                if start in places and (start == i + 1 or words[i + 1] in {"the", "beautiful", "sunny", "rural"}):
                    kind, end = places[start]
                    found.append((kind, (i, end)))
                    break
        return found

    def _outside_to_ontario(
        self, words: Sequence[str], indices: Sequence[int], places: Mapping[int, Tuple[str, int]]
    ) -> List[Tuple[int, int]]:
        """ "Montreal to Toronto move done", "Whitehorse to Orillia": a move into Ontario said without "from"."""
        outside_ends = {end: start for start, (kind, end) in places.items() if kind == "OUT"}
        found = []
        for i in indices:
            if i in outside_ends:
                for kind, (_, end) in self._after(words, [i], places, self.to_words):
                    if kind == "ON":
                        found.append((outside_ends[i], end))
        return found

    def _licences(
        self, words: Sequence[str], indices: Sequence[int], places: Mapping[int, Tuple[str, int]]
    ) -> List[Tuple[int, int]]:
        """ "my Alberta plates", "a Texas driver's licence": a licence from outside Ontario."""
        found = []
        for start in indices:
            kind, end = places.get(start, ("", 0))
            if kind == "OUT" and end < len(words) and words[end] in self.licence_words:
                found.append((start, end + 1))
        return found

    def _place_hit(self, entry: str, kind: str, start: int, end: int, clause: int) -> _Hit:
        key = f"{kind}:{NEW_TO_ONTARIO}:{entry}"
        rule = self.rules.setdefault(key, _Rule(key, kind, frozenset({NEW_TO_ONTARIO}), entry))
        return _Hit(rule, start, end, clause)


def _check_scalars(value: Any, where: str = "life_event_cues.yml") -> None:
    """YAML reads a bare no/yes/on/off as a boolean: refuse it rather than match "False"."""
    if isinstance(value, bool):
        raise ValueError(f"{where}: a bare yes/no/on/off became {value}; quote it")
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_scalars(item, f"{where}: {key}")
    elif isinstance(value, list):
        for item in value:
            _check_scalars(item, where)


def _check_events(events: Iterable[str], where: str) -> None:
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise ValueError(f"life_event_cues.yml: unknown life event(s) {unknown} in {where}")


def _fact_cue_places(path: Path) -> Tuple[List[str], List[str], Set[str]]:
    """Places outside Ontario, foreign followers and ambiguous municipality names from fact_cues.yml
    (empty when the file or a section is missing: life_event_cues.yml has its own short lists)."""
    if not path.exists():
        return [], [], set()
    data = load_fact_cues(path)
    arrived = (data.get("facts") or {}).get("arrived_from") or {}
    outside: List[str] = []
    for value in ("province", "country"):
        outside.extend(_as_list((arrived.get(value) or {}).get("phrases")))
    municipality = data.get("municipality") or {}
    followers = _as_list(municipality.get("foreign_followers"))
    ambiguous = {w.lower() for w in _as_list(municipality.get("ambiguous"))}
    return outside, followers, ambiguous


def _inside(span: Tuple[int, int], others: Iterable[Tuple[int, int]]) -> bool:
    start, end = span
    return any(s <= start and end <= e for s, e in others)


def _backgrounds(hits: Sequence[_Hit], cues: Sequence[_Hit]) -> List[_Hit]:
    """Background mentions that hold: another event has a strong cue left, and no `unless` phrase of
    the background's event is in the message (then the message deals with that event after all)."""
    dealt_with = {event for h in hits if h.rule.kind == BACKGROUND_UNLESS for event in h.rule.events}
    strong = {event for c in cues if c.rule.kind == STRONG and not c.vetoed_by for event in c.rule.events}
    return [
        _Hit(_Rule(hit.rule.key, OVERRULE, hit.rule.events, hit.rule.entry), hit.start, hit.end, hit.clause)
        for hit in hits
        if hit.rule.kind == BACKGROUND and not hit.rule.events & dealt_with and strong - hit.rule.events
    ]


def _blocks(veto: _Hit, hit: _Hit) -> bool:
    """A veto blocks a cue of its events in its own clause; an overrule anywhere in the message."""
    return bool(veto.rule.events & hit.rule.events) and (veto.rule.kind == OVERRULE or veto.clause == hit.clause)


def _best_cue(analysis: Analysis, event: str) -> Optional[Cue]:
    """A strong cue survives a veto in another clause ("we closed our old store, now opening a bakery")."""
    mine = [h for h in analysis.hits if event in h.rule.events]
    for hit in mine:
        if not hit.vetoed_by:
            return Cue(event, STRONG, hit.rule.entry, analysis.span(hit))
    blocked = [h for h in mine if h.vetoed_by]
    if blocked:
        return Cue(event, VETO, blocked[0].rule.entry, analysis.span(blocked[0]), blocked[0].vetoed_by)
    vetoes = [v for v in analysis.vetoes if event in v.rule.events]
    if vetoes:
        return Cue(event, VETO, "", "", vetoes[0].rule.entry)
    return None


@process_wide
def default_matcher() -> LifeEventMatcher:
    """The process-wide matcher built from life_event_cues.yml, fact_cues.yml and the seed directory."""
    return LifeEventMatcher.from_files()


def detect_events(text: str, matcher: Optional[LifeEventMatcher] = None) -> Dict[str, Cue]:
    """The best cue per life event found in `text` (events without any cue are absent)."""
    return (matcher or default_matcher()).detect(text)


# -- combining with the model ------------------------------------------------------------------


def events_of(intent_name: Optional[str]) -> List[str]:
    """The life events an intent name stands for ("bereavement+birth" -> both; "greet" -> none)."""
    parts = str(intent_name or "").split(SPLIT)
    return parts if parts and all(part in EVENTS for part in parts) else []


def intent_mass(ranking: Sequence[Mapping[str, Any]]) -> Dict[str, float]:
    """P(e) from an intent ranking: the summed confidence of every ranked intent containing e (capped at 1).
    For a model without the EventClassifier, DIET's ranking stands in for its scores."""
    scores = {event: 0.0 for event in EVENTS}
    for entry in ranking or []:
        confidence = float(entry.get("confidence") or 0.0)
        for event in events_of(entry.get("name")):
            scores[event] = min(1.0, scores[event] + confidence)
    return scores


def decide(
    scores: Mapping[str, float], cues: Mapping[str, Cue], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> List[Decision]:
    """The events of a message with their confidence and the rule that decided each (module docstring)."""
    decisions = []
    for event in EVENTS:
        score = float(scores.get(event) or 0.0)
        strength = cues[event].strength if event in cues else ""
        if strength == STRONG:
            decisions.append(Decision(event, round(max(score, thresholds.strong_confidence), 4), "strong cue"))
        elif strength != VETO and score >= thresholds.event:
            decisions.append(Decision(event, round(score, 4), "model"))
    return decisions


def combine(
    scores: Mapping[str, float], cues: Mapping[str, Cue], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> List[str]:
    """The life events of a message, in canonical order (rules in the module docstring)."""
    return [d.event for d in decide(scores, cues, thresholds)]


def strongest(decisions: Sequence[Decision], limit: int = 2) -> List[Decision]:
    """The `limit` best-supported events: strong cues first, then by confidence."""
    rank = {"strong cue": 0, "model": 1}
    return sorted(decisions, key=lambda d: (rank.get(d.reason, 2), -d.confidence, EVENTS.index(d.event)))[:limit]


def intent_for(decisions: Sequence[Decision]) -> str:
    """The domain's intent for these events: at most the two strongest, joined alphabetically
    ("bereavement+new_business"), as in data/nlu/multi_events.yml."""
    return SPLIT.join(sorted(d.event for d in strongest(decisions)))
