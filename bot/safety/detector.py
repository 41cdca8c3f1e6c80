"""Crisis detection: is someone in danger right now?

Rule-based and deterministic (spaCy Matcher over normalised text, patterns in
patterns.yml). Built for recall on real crises, including lower-case text
without punctuation and common typos, while past events told calmly ("my dad
died of a heart attack last year") and figures of speech ("killing it with my
new business", "dying to open a bakery") do not fire.

One detector per language (patterns.yml for English, patterns_fr.yml for French), each
with its own normalisation (settings: accents, apostrophes, contractions, clauses). Every
message goes through both (`Detectors`), so a crisis is found whatever language the page
is in; only the words both languages write alike ("suicide", "overdose", settings
`shared_prefixes`) are left to the detector of the message's language when
bot.language tells it, because only that one knows when they are told as past.
A pattern or veto may be a mapping {pattern, fires, quiet}: an example it must find and one
it must not (tests/assistant/test_french_safety.py runs them).
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.components.spacy_loader import blank_english
from bot.once import process_wide

PATTERNS_PATH = Path(__file__).with_name("patterns.yml")
PATTERN_FILES = {"en": PATTERNS_PATH, "fr": Path(__file__).with_name("patterns_fr.yml")}
MASKED = "__other_language__"
KINDS = ("suicide", "violence", "medical", "shelter", "danger")
END = "__end__"
MAX_CHARS = 5000
RECENT_TEXTS = 256  # the verdicts kept per process: a message is judged several times within one parse

_CONTRACTIONS = [
    (re.compile(r"\bcan['’]t\b"), "can not"),
    (re.compile(r"\bwon['’]t\b"), "will not"),
    (re.compile(r"\bain['’]t\b"), "is not"),
    (re.compile(r"n['’]t\b"), " not"),
    (re.compile(r"['’]ll\b"), " will"),
    (re.compile(r"['’]re\b"), " are"),
    (re.compile(r"['’]ve\b"), " have"),
    (re.compile(r"\bi['’]m\b"), "i am"),
    (re.compile(r"['’]d\b"), " would"),
]
# Sentences, and clauses that turn to the present or to a new subject ("... died last week and now
# my mom took pills", "opened my restaurant last week and the kitchen is on fire"): a past-time veto
# in one must not silence a present danger in the next.
_NEW_CLAUSE = r"now|then|today|tonight|right now|the|my|our|his|her|their|i|we|he|she|they|it|someone|somebody|everyone"
_SENTENCE = re.compile(r"[.!?;\n]+|\s-\s|\s—\s|,?\s(?:and|but)\s(?=(?:" + _NEW_CLAUSE + r")\b)")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _splitters(settings: Mapping[str, Any]) -> Tuple[re.Pattern, Optional[re.Pattern]]:
    """Where sentences end (punctuation, dashes; English: also a conjunction before a new clause, _SENTENCE),
    and, for a language with `clause_words`, where clauses end inside a sentence: a conjunction (or, with
    `comma_clauses`, a comma) before a word that starts a new clause."""
    if "clause_words" not in settings:
        return _SENTENCE, None
    conjunctions = "|".join(re.escape(str(w)) for w in settings.get("conjunctions") or ["and", "but"])
    clause = "|".join(re.escape(strip_accents(str(w).lower())) for w in settings["clause_words"])
    comma = r"|,\s*(?=(?:" + clause + r")\b)" if settings.get("comma_clauses") else ""
    soft = re.compile(r",?\s(?:" + conjunctions + r")\s(?=(?:" + clause + r")\b)" + comma)
    return re.compile(r"[.!?;\n]+|\s-\s|\s—\s"), soft


def strip_accents(text: str) -> str:
    """ "déjà tué" -> "deja tue": people write French with or without accents."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def pattern_text(entry: Any) -> str:
    """A pattern or veto entry of a patterns file: a string, or {pattern, fires, quiet} (with its examples)."""
    return str(entry["pattern"]) if isinstance(entry, Mapping) else str(entry)


@dataclass(frozen=True)
class SafetySignal:
    """What fired: the kind of crisis and the words that matched."""

    kind: str
    matched: str


def _fuzz(word: str) -> int:
    return 0 if len(word) <= 4 else 1 if len(word) <= 7 else 2


def _token_specs(token: str, lists: Mapping[str, List[str]], not_typos: Sequence[str] = ()) -> List[Dict[str, Any]]:
    """One DSL token -> one or more alternative spaCy token specs (a ~typo is never one of `not_typos`)."""
    optional = token.endswith("?") and len(token) > 1
    if optional:
        token = token[:-1]
    if token in ("*", "*2", "*4"):
        width = {"*": 3, "*2": 2, "*4": 4}[token]
        return [{"OP": f"{{0,{width}}}"}]
    if re.fullmatch(r"\*\d*", token):
        raise ValueError(f"patterns: {token!r} is no wildcard (use *, *2 or *4)")
    if token == "$":
        spec: Dict[str, Any] = {"ORTH": END}
        return [dict(spec, OP="?")] if optional else [spec]
    exact: List[str] = []
    fuzzy: Dict[int, List[str]] = {}
    prefixes: List[str] = []
    for alternative in token.split("|"):
        if alternative.startswith("@"):
            exact.extend(w.lower() for w in lists[alternative[1:]])
        elif alternative.startswith("~"):
            word = alternative[1:].lower()
            level = _fuzz(word)
            (fuzzy.setdefault(level, []) if level else exact).append(word)
        elif alternative.endswith("*") and len(alternative) > 1:
            prefixes.append(re.escape(alternative[:-1].lower()))
        else:
            exact.append(alternative.lower())
    specs: List[Dict[str, Any]] = []
    if exact:
        specs.append({"LOWER": {"IN": sorted(set(exact))}})
    for level, words in fuzzy.items():
        fuzzy_spec: Dict[str, Any] = {f"FUZZY{level}": {"IN": sorted(set(words))}}
        if not_typos:
            fuzzy_spec["NOT_IN"] = sorted(set(not_typos))
        specs.append({"LOWER": fuzzy_spec})
    if prefixes:
        specs.append({"LOWER": {"REGEX": "^(" + "|".join(prefixes) + ")"}})
    if optional:
        specs = [dict(s, OP="?") for s in specs]
    return specs


def compile_pattern(
    pattern: str, lists: Mapping[str, List[str]], not_typos: Sequence[str] = ()
) -> List[List[Dict[str, Any]]]:
    """A DSL pattern string -> spaCy Matcher patterns (alternatives expanded)."""
    per_token = [_token_specs(tok, lists, not_typos) for tok in pattern.split()]
    return [list(combo) for combo in itertools.product(*per_token)]


class SafetyDetector:
    """The crisis patterns of one language (a patterns file), matched per sentence of normalised text."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.nlp = blank_english()
        from spacy.matcher import Matcher

        self._lock = threading.Lock()
        settings = config.get("settings") or {}
        self.language = str(settings.get("language", "en"))
        self.accents = bool(settings.get("strip_accents", False))
        self.apostrophe = " " if settings.get("apostrophes") == "space" else ""
        self.contractions = (
            [(re.compile(str(a)), str(b)) for a, b in settings["contractions"]]
            if "contractions" in settings
            else _CONTRACTIONS
        )
        self.splitter, self.clause_splitter = _splitters(settings)
        self.min_clause_words = int(settings.get("min_clause_words", 0))
        self.shared_prefixes = tuple(self._plain(p) for p in settings.get("shared_prefixes") or [])
        self.normalise: Dict[str, List[str]] = {
            self._plain(k): self._plain(v).split() for k, v in (config.get("normalise") or {}).items()
        }
        self.lists = {name: [self._plain(w) for w in words] for name, words in (config.get("lists") or {}).items()}
        self.confirm_words = {self._plain(w) for w in config.get("confirm_words") or []}
        self.veto_window = int(settings.get("veto_window", 6))
        self.immediate = [tuple(self._plain(phrase).split()) for phrase in settings.get("immediate") or []]
        self.not_typos = [self._plain(w) for w in settings.get("not_typos") or []]
        self.figurative = Matcher(self.nlp.vocab)
        for index, pattern in enumerate(config.get("figurative") or []):
            self.figurative.add(f"figurative|{index}", self.compile(pattern_text(pattern)))
        self.matcher = Matcher(self.nlp.vocab)
        self.vetoes = Matcher(self.nlp.vocab)
        self.order: List[str] = []
        for signal in config.get("signals") or []:
            kind = signal["kind"]
            if kind not in KINDS:
                raise ValueError(f"patterns.yml: unknown kind {kind!r}")
            self.order.append(kind)
            for index, pattern in enumerate(signal.get("patterns") or []):
                self.matcher.add(f"{kind}|{index}", self.compile(pattern_text(pattern)))
            for index, pattern in enumerate(signal.get("unless") or []):
                self.vetoes.add(f"{kind}|{index}", self.compile(pattern_text(pattern)))

    def _plain(self, text: Any) -> str:
        """Lower case, and without accents where the language's settings say so (patterns and text alike)."""
        lowered = str(text).lower()
        return strip_accents(lowered) if self.accents else lowered

    def compile(self, pattern: str) -> List[List[Dict[str, Any]]]:
        """One pattern of this detector's DSL -> spaCy Matcher patterns."""
        return compile_pattern(self._plain(pattern), self.lists, self.not_typos)

    @classmethod
    def from_file(cls, path: Path = PATTERNS_PATH) -> SafetyDetector:
        from bot.rules.files import load_safety_patterns

        return cls(load_safety_patterns(Path(path)))

    def sentences(self, text: str, masked: Sequence[str] = ()) -> List[List[str]]:
        """Normalised word lists, one per sentence. Words starting with one of `masked` become MASKED: the
        words both languages share, in a message of the other language (see `Detectors`)."""
        lowered = self._plain((text or "")[:MAX_CHARS]).replace("’", "'")
        result = []
        for sentence in self._clauses(lowered):
            for regex, replacement in self.contractions:
                sentence = regex.sub(replacement, sentence)
            sentence = sentence.replace("'", self.apostrophe)
            words: List[str] = []
            for word in _WORD.findall(sentence):
                words.extend(self.normalise.get(word, [word]))
            if masked:
                words = [MASKED if w.startswith(tuple(masked)) else w for w in words]
            if words:
                result.append(words + [END])
        return result

    def _clauses(self, lowered: str) -> List[str]:
        """Sentences, and clauses within them; a clause shorter than `min_clause_words` stays with the next one
        of its sentence, so a time said first ("l'an passé, j'ai ...") still speaks of what follows it."""
        sentences = self.splitter.split(lowered)
        if self.clause_splitter is None:
            return sentences
        result: List[str] = []
        for sentence in sentences:
            carry = ""
            for piece in self.clause_splitter.split(sentence):
                piece = f"{carry} {piece}" if carry else piece
                if len(_WORD.findall(piece)) < self.min_clause_words:
                    carry = piece
                    continue
                result.append(piece)
                carry = ""
            if carry:
                result.append(carry)
        return result

    def pattern_matches(self, pattern: str, text: str) -> bool:
        """Whether one pattern, alone, matches a sentence of `text` (a pattern's own examples, in the tests)."""
        from spacy.matcher import Matcher
        from spacy.tokens import Doc

        matcher = Matcher(self.nlp.vocab)
        matcher.add("one", self.compile(pattern))
        with self._lock:
            return any(matcher(Doc(self.nlp.vocab, words=words)) for words in self.sentences(text))

    def detect_all(self, text: str, masked: Sequence[str] = ()) -> List[SafetySignal]:
        from spacy.tokens import Doc

        found: Dict[str, SafetySignal] = {}
        strings = self.nlp.vocab.strings
        sentences = self.sentences(text, masked)
        now = self._immediate(sentences)
        for words in sentences:
            with self._lock:
                doc = Doc(self.nlp.vocab, words=words)
                hits = self.matcher(doc)
                vetoes = self._vetoes(doc, now)
            for match_id, start, end in sorted(hits, key=lambda h: (h[1], -h[2])):
                kind = strings[match_id].split("|")[0]
                if kind in found or self._vetoed(kind, start, end, vetoes):
                    continue
                matched = " ".join(w for w in words[start:end] if w != END)
                found[kind] = SafetySignal(kind, matched)
        return [found[k] for k in self.order if k in found]

    def _vetoes(self, doc: Any, now: bool) -> List[Tuple[str, int, int]]:
        """The `unless` matches of a sentence as (kind, start, end); none when the message says it is
        happening now."""
        if now:
            return []
        strings = self.nlp.vocab.strings
        return [(strings[m].split("|")[0], s, e) for m, s, e in self.vetoes(doc)]

    def _immediate(self, sentences: Sequence[Sequence[str]]) -> bool:
        """The message says it is happening now ("right now", "tonight"): nothing in it is a past story,
        not even in another clause ("last year I felt suicidal and tonight it's back")."""
        return any(
            tuple(words[i : i + len(phrase)]) == phrase
            for words in sentences
            for phrase in self.immediate
            for i in range(len(words))
        )

    def _vetoed(self, kind: str, start: int, end: int, vetoes: Sequence[Tuple[str, int, int]]) -> bool:
        """A veto speaks about the words near it: "had a heart attack last year" is a past event, but
        in "opened my restaurant last week ... strong gas smell in the kitchen" the time is the shop's."""
        return any(
            v_kind == kind and v_start - end <= self.veto_window and start - v_end <= self.veto_window
            for v_kind, v_start, v_end in vetoes
        )

    def detect(self, text: str) -> Optional[SafetySignal]:
        signals = self.detect_all(text)
        return signals[0] if signals else None

    def has_risk_word(self, text: str, masked: Sequence[str] = ()) -> bool:
        """Whether a word that can go with a crisis is there at all (see confirm_words), outside a figure of
        speech ("this tax form is going to kill me", patterns.yml `figurative`) or of a crisis told as past
        ("my ex used to hit me", a signal its `unless` vetoed)."""
        from spacy.tokens import Doc

        strings = self.nlp.vocab.strings
        sentences = self.sentences(text, masked)
        now = self._immediate(sentences)
        for words in sentences:
            risky = [i for i, word in enumerate(words) if word in self.confirm_words]
            if not risky:
                continue
            with self._lock:
                doc = Doc(self.nlp.vocab, words=words)
                spans = [(s, e) for _, s, e in self.figurative(doc)]
                vetoes = self._vetoes(doc, now)
                spans += [
                    (s, e) for m, s, e in self.matcher(doc) if self._vetoed(strings[m].split("|")[0], s, e, vetoes)
                ]
            if any(not any(s <= i < e for s, e in spans) for i in risky):
                return True
        return False


class Detectors:
    """Every language's detector on every message: a crisis is found whatever language the page is in.

    The words both languages write alike (settings `shared_prefixes`: "suicide", "overdose") are judged
    only by the detector of the message's language (bot.language.detect_language) when it can tell:
    "mon frère s'est suicidé le mois passé" is a past death that only the French vetoes understand, and
    "my brother died by suicide last month" one that only the English do. When the language cannot be
    told, every detector judges every word (recall first)."""

    def __init__(self, detectors: Sequence[SafetyDetector]) -> None:
        self.detectors = list(detectors)
        self.shared = tuple(sorted({p for d in self.detectors for p in d.shared_prefixes}))
        # One message is judged by several components in one parse (the safety override, the life-event
        # recogniser, the handoff classifier): the answer depends on the text alone, so it is worked out once.
        self._signals = functools.lru_cache(maxsize=RECENT_TEXTS)(self._detect_all)
        self._risky = functools.lru_cache(maxsize=RECENT_TEXTS)(self._has_risk_word)

    @classmethod
    def from_files(cls, paths: Optional[Mapping[str, Path]] = None) -> Detectors:
        return cls([SafetyDetector.from_file(path) for path in (paths or PATTERN_FILES).values()])

    def _masks(self, text: str) -> List[Tuple[SafetyDetector, Tuple[str, ...]]]:
        from bot.language import detect_language

        language = detect_language(text) if self.shared else None
        return [(d, self.shared if language and language != d.language else ()) for d in self.detectors]

    def detect_all(self, text: str) -> List[SafetySignal]:
        return list(self._signals(text))

    def _detect_all(self, text: str) -> Tuple[SafetySignal, ...]:
        found: Dict[str, SafetySignal] = {}
        for detector, masked in self._masks(text):
            for signal in detector.detect_all(text, masked):
                found.setdefault(signal.kind, signal)
        return tuple(found[k] for k in KINDS if k in found)

    def detect(self, text: str) -> Optional[SafetySignal]:
        signals = self.detect_all(text)
        return signals[0] if signals else None

    def has_risk_word(self, text: str) -> bool:
        return self._risky(text)

    def _has_risk_word(self, text: str) -> bool:
        return any(detector.has_risk_word(text, masked) for detector, masked in self._masks(text))

    def by_language(self, language: str) -> SafetyDetector:
        return next(d for d in self.detectors if d.language == language)


@process_wide
def default_detector() -> Detectors:
    return Detectors.from_files()


def detect(text: str) -> Optional[SafetySignal]:
    """The most serious crisis signal in `text`, or None.

    Kinds, in order of precedence: suicide, violence, medical, shelter, danger.
    """
    if not text or not text.strip() or text.lstrip().startswith("/"):
        return None
    return default_detector().detect(text)


def has_risk_word(text: str) -> bool:
    """Whether the text has any word that can go with a crisis (patterns.yml
    `confirm_words`): a classifier's `crisis` needs one to be believed."""
    if not text or not text.strip():
        return False
    return default_detector().has_risk_word(text)


def detect_all(text: str) -> List[SafetySignal]:
    if not text or not text.strip():
        return []
    return default_detector().detect_all(text)


__all__: Sequence[str] = ("Detectors", "SafetySignal", "detect", "detect_all", "has_risk_word", "KINDS")
