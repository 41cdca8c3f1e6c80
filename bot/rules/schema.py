"""Loading a hand-written rule file, refusing what would silently go wrong.

YAML quietly turns an unquoted `no` into False, forgets a misspelled key and keeps the last of two
equal keys; a bad regular expression or token pattern is found only when the rule is used, or never.
`load` composes the YAML with line numbers, checks it against a small schema (the shapes below) and
refuses it with every problem as `file:line: what is wrong`; the data it returns is what
`yaml.safe_load` returns, so loaders keep working on plain dicts and lists.

A schema is built from: `Text`, `Number`, `Flag`, `Choice`, `Regex`, `Pattern` (a token pattern checked
by a function), `ListOf`, `Fields` (known keys only), `MapOf` (any key, one value shape), `Entry` (a rule
as a string, or {pattern, fires, quiet} with an example it must fire on and one it must not) and `Ref`
(a name another part of the file, or the catalogue, must define).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
EXAMPLE_KEYS = ("fires", "quiet")


class RuleFileError(ValueError):
    """A rule file that cannot be used as written; str() lists every problem as `file:line: problem`."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class Check:
    """What a walk over one file collects: problems, names defined, names referred to."""

    path: str
    known: Mapping[str, Iterable[str]] = field(default_factory=dict)
    problems: List[str] = field(default_factory=list)
    defined: Dict[str, Set[str]] = field(default_factory=dict)
    refs: List[Tuple[str, str, int, str]] = field(default_factory=list)  # namespace, name, line, where

    def fail(self, node: Node, message: str) -> None:
        self.problems.append(f"{self.path}:{line_of(node)}: {message}")

    def refer(self, namespace: str, name: str, node: Node, where: str) -> None:
        self.refs.append((namespace, name, line_of(node), where))

    def unknown_refs(self) -> None:
        for namespace, name, line, where in self.refs:
            names = set(self.defined.get(namespace, set())) | set(self.known.get(namespace, ()))
            if name not in names:
                hint = ", ".join(sorted(names)[:12]) or "none defined"
                self.problems.append(f"{self.path}:{line}: {where}: unknown {namespace} {name!r} (known: {hint})")


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


class Shape:
    """One node's expected shape; `check` reports problems into `check` and never raises."""

    def check(self, node: Node, check: Check, where: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__.lower()


def _scalar(node: Node, check: Check, where: str, what: str) -> Optional[str]:
    """The scalar's text, or None after reporting why it is not the text expected."""
    if not isinstance(node, ScalarNode):
        check.fail(node, f"{where}: expected {what}, found a {'list' if isinstance(node, SequenceNode) else 'mapping'}")
        return None
    if node.tag == BOOL_TAG:
        check.fail(node, f'{where}: bare {node.value!r} reads as a yes/no value in YAML; quote it: "{node.value}"')
        return None
    if node.tag == NULL_TAG:
        check.fail(node, f"{where}: empty value; write {what}")
        return None
    return str(node.value)


class Text(Shape):
    def check(self, node: Node, check: Check, where: str) -> None:
        _scalar(node, check, where, "text")


class Number(Shape):
    def check(self, node: Node, check: Check, where: str) -> None:
        if not isinstance(node, ScalarNode) or node.tag not in NUMBER_TAGS:
            check.fail(node, f"{where}: expected a number, found {getattr(node, 'value', 'a collection')!r}")


class Flag(Shape):
    def check(self, node: Node, check: Check, where: str) -> None:
        if not isinstance(node, ScalarNode) or node.tag != BOOL_TAG or node.value not in ("true", "false"):
            check.fail(node, f"{where}: expected true or false, found {getattr(node, 'value', 'a collection')!r}")


@dataclass
class Choice(Shape):
    values: Tuple[str, ...]

    def check(self, node: Node, check: Check, where: str) -> None:
        text = _scalar(node, check, where, "one of " + "|".join(self.values))
        if text is not None and text not in self.values:
            check.fail(node, f"{where}: {text!r} is not one of {', '.join(self.values)}")


@dataclass
class Ref(Shape):
    """A name that must exist in `namespace` (defined by a MapOf in the file, or known from elsewhere)."""

    namespace: str

    def check(self, node: Node, check: Check, where: str) -> None:
        text = _scalar(node, check, where, f"a {self.namespace} name")
        if text is not None:
            check.refer(self.namespace, text, node, where)


@dataclass
class Regex(Shape):
    """A Python regular expression (case-insensitive); `placeholders` are replaced before compiling."""

    placeholders: Mapping[str, str] = field(default_factory=dict)

    def check(self, node: Node, check: Check, where: str) -> None:
        text = _scalar(node, check, where, "a regular expression")
        if text is None:
            return
        for placeholder, stand_in in self.placeholders.items():
            text = text.replace(placeholder, stand_in)
        try:
            re.compile(text, re.IGNORECASE)
        except re.error as error:
            check.fail(node, f"{where}: malformed regular expression: {error}")


# a token pattern checker: (pattern text, report(problem), refer(namespace, name)) -> None
PatternRule = Callable[[str, Callable[[str], None], Callable[[str, str], None]], None]


@dataclass
class Pattern(Shape):
    """A token pattern in one of the files' small languages, checked by `rule`."""

    rule: PatternRule

    def check(self, node: Node, check: Check, where: str) -> None:
        text = _scalar(node, check, where, "a pattern")
        if text is None:
            return
        self.rule(
            text,
            lambda problem: check.fail(node, f"{where}: {problem} in {text!r}"),
            lambda namespace, name: check.refer(namespace, name, node, f"{where}: {text!r}"),
        )


@dataclass
class ListOf(Shape):
    item: Shape
    single: bool = False  # a lone scalar is accepted as a list of one

    def check(self, node: Node, check: Check, where: str) -> None:
        if self.single and isinstance(node, ScalarNode) and node.tag != NULL_TAG:
            self.item.check(node, check, where)
            return
        if not isinstance(node, SequenceNode):
            check.fail(node, f"{where}: expected a list")
            return
        for index, item in enumerate(node.value):
            self.item.check(item, check, f"{where}[{index}]")


def _pairs(node: Node, check: Check, where: str) -> List[Tuple[Node, str, Node]]:
    """(key node, key text, value node) of a mapping, refusing non-text keys and keys given twice."""
    if not isinstance(node, MappingNode):
        check.fail(node, f"{where}: expected a mapping (key: value)")
        return []
    seen: Dict[str, int] = {}
    pairs = []
    for key_node, value_node in node.value:
        key = _scalar(key_node, check, f"{where}: key", "a text key")
        if key is None:
            continue
        if key in seen:
            check.fail(key_node, f"{where}: key {key!r} given twice (first at line {seen[key]})")
        seen[key] = line_of(key_node)
        pairs.append((key_node, key, value_node))
    return pairs


@dataclass
class Fields(Shape):
    """A mapping with known keys only (a misspelled key is an error, not ignored)."""

    fields: Mapping[str, Shape]
    required: Tuple[str, ...] = ()

    def check(self, node: Node, check: Check, where: str) -> None:
        if not isinstance(node, MappingNode):
            check.fail(node, f"{where}: expected a mapping with keys {', '.join(self.fields)}")
            return
        present = set()
        for key_node, key, value in _pairs(node, check, where):
            present.add(key)
            shape = self.fields.get(key)
            if shape is None:
                check.fail(key_node, f"{where}: unknown key {key!r} (expected one of: {', '.join(self.fields)})")
                continue
            shape.check(value, check, f"{where}.{key}" if where else key)
        for key in self.required:
            if key not in present:
                check.fail(node, f"{where}: missing key {key!r}")


@dataclass
class MapOf(Shape):
    """A mapping with free keys, all values one shape; `defines` records the keys as names of a namespace,
    `key` (a Ref) checks each key against one."""

    value: Shape
    defines: str = ""
    key: Optional[Ref] = None

    def check(self, node: Node, check: Check, where: str) -> None:
        for key_node, key, value in _pairs(node, check, where):
            if self.defines:
                check.defined.setdefault(self.defines, set()).add(key)
            if self.key is not None:
                self.key.check(key_node, check, f"{where}: key")
            self.value.check(value, check, f"{where}.{key}" if where else key)


@dataclass
class Entry(Shape):
    """A rule: its pattern as a string, or {pattern, fires, quiet}: an example text it must fire on
    and one it must not (run as tests, tests/rules/)."""

    pattern: Shape

    def check(self, node: Node, check: Check, where: str) -> None:
        if isinstance(node, MappingNode):
            Fields({"pattern": self.pattern, "fires": Text(), "quiet": Text()}, required=("pattern",)).check(
                node, check, where
            )
        else:
            self.pattern.check(node, check, where)


def pattern_text(entry: Any) -> str:
    """The pattern of an entry (a string, or {pattern, fires, quiet})."""
    return str(entry["pattern"]) if isinstance(entry, Mapping) else str(entry)


def examples(entry: Any) -> Tuple[Optional[str], Optional[str]]:
    """(fires, quiet) of an entry, None where it has none."""
    if isinstance(entry, Mapping):
        return entry.get("fires"), entry.get("quiet")
    return None, None


def load(path: Path, shape: Shape, known: Optional[Mapping[str, Iterable[str]]] = None) -> Any:
    """The file's data as yaml.safe_load gives it, after checking it against `shape`.

    `known` names defined outside the file ({"life event": [...], "fact": [...]}). Raises RuleFileError
    with every problem found, each as `file:line: problem`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RuleFileError([f"{path}: cannot read: {error.strerror or error}"]) from error
    return loads(text, shape, known, str(path))


def loads(text: str, shape: Shape, known: Optional[Mapping[str, Iterable[str]]] = None, name: str = "<text>") -> Any:
    """`load` for text already read (`name` is the file named in the messages)."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
            check = Check(name, known or {})
            if root is not None:
                shape.check(root, check, "")
                check.unknown_refs()
            if check.problems:
                raise RuleFileError(check.problems)
            return loader.construct_document(root) if root is not None else {}
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise RuleFileError([f"{name}:{line}: not valid YAML: {error.problem or error}"]) from error
