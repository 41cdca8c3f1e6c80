"""Crisis detection: is someone in danger right now?

Rule-based and deterministic (spaCy Matcher over normalised text, patterns in
patterns.yml). Built for recall on real crises, including lower-case text
without punctuation and common typos, while past events told calmly ("my dad
died of a heart attack last year") and figures of speech ("killing it with my
new business", "dying to open a bakery") do not fire.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from bot.components.spacy_loader import blank_english
from bot.once import process_wide

PATTERNS_PATH = Path(__file__).with_name("patterns.yml")
KINDS = ("suicide", "violence", "medical", "shelter", "danger")
END = "__end__"
MAX_CHARS = 5000

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
    def __init__(self, config: Mapping[str, Any]) -> None:
        self.nlp = blank_english()
        from spacy.matcher import Matcher

        self._lock = threading.Lock()
        self.normalise: Dict[str, List[str]] = {
            str(k).lower(): str(v).lower().split() for k, v in (config.get("normalise") or {}).items()
        }
        lists = {name: [str(w) for w in words] for name, words in (config.get("lists") or {}).items()}
        self.confirm_words = {str(w).lower() for w in config.get("confirm_words") or []}
        settings = config.get("settings") or {}
        self.veto_window = int(settings.get("veto_window", 6))
        self.immediate = [tuple(str(phrase).lower().split()) for phrase in settings.get("immediate") or []]
        not_typos = [str(w).lower() for w in settings.get("not_typos") or []]
        self.figurative = Matcher(self.nlp.vocab)
        for index, pattern in enumerate(config.get("figurative") or []):
            self.figurative.add(f"figurative|{index}", compile_pattern(str(pattern), lists, not_typos))
        self.matcher = Matcher(self.nlp.vocab)
        self.vetoes = Matcher(self.nlp.vocab)
        self.order: List[str] = []
        for signal in config.get("signals") or []:
            kind = signal["kind"]
            if kind not in KINDS:
                raise ValueError(f"patterns.yml: unknown kind {kind!r}")
            self.order.append(kind)
            for index, pattern in enumerate(signal.get("patterns") or []):
                self.matcher.add(f"{kind}|{index}", compile_pattern(str(pattern), lists, not_typos))
            for index, pattern in enumerate(signal.get("unless") or []):
                self.vetoes.add(f"{kind}|{index}", compile_pattern(str(pattern), lists, not_typos))

    @classmethod
    def from_file(cls, path: Path = PATTERNS_PATH) -> SafetyDetector:
        return cls(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})

    def sentences(self, text: str) -> List[List[str]]:
        """Normalised word lists, one per sentence."""
        lowered = (text or "")[:MAX_CHARS].lower().replace("’", "'")
        result = []
        for sentence in _SENTENCE.split(lowered):
            for regex, replacement in _CONTRACTIONS:
                sentence = regex.sub(replacement, sentence)
            sentence = sentence.replace("'", "")
            words: List[str] = []
            for word in _WORD.findall(sentence):
                words.extend(self.normalise.get(word, [word]))
            if words:
                result.append(words + [END])
        return result

    def detect_all(self, text: str) -> List[SafetySignal]:
        from spacy.tokens import Doc

        found: Dict[str, SafetySignal] = {}
        strings = self.nlp.vocab.strings
        sentences = self.sentences(text)
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

    def has_risk_word(self, text: str) -> bool:
        """Whether a word that can go with a crisis is there at all (see confirm_words), outside a figure of
        speech ("this tax form is going to kill me", patterns.yml `figurative`) or of a crisis told as past
        ("my ex used to hit me", a signal its `unless` vetoed)."""
        from spacy.tokens import Doc

        strings = self.nlp.vocab.strings
        sentences = self.sentences(text)
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


@process_wide
def default_detector() -> SafetyDetector:
    return SafetyDetector.from_file()


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


__all__: Sequence[str] = ("SafetySignal", "detect", "detect_all", "has_risk_word", "KINDS")
