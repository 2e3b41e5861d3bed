"""Safe YAML loading that remembers lines. Nothing else in the package imports yaml.

* Only YAML's safe subset is constructed: no Python objects, no tags that run code; of the
  explicit tags only the core ones (``!!str``, ``!!int``, ``!!float``, ``!!bool``, ``!!null``,
  ``!!map``, ``!!seq``) are known.
* Aliases and anchors are refused outright (no "billion laughs"), nesting depth is capped,
  duplicate keys are errors, documents are at most ``MAX_CHARS`` characters long, and dates stay
  text (the readers parse time themselves).
* Plain scalars are read as **YAML 1.2** (core schema) reads them, not as YAML 1.1 did:

  - booleans are only ``true``/``True``/``TRUE`` and ``false``/``False``/``FALSE``: ``yes``,
    ``no``, ``on``, ``off``, ``y``, ``n`` are text;
  - null is ``null``/``Null``/``NULL``/``~`` or nothing;
  - integers are decimal digits with an optional sign (``0170`` is 170, never octal 120),
    ``0o17`` (octal) or ``0x1F`` (hexadecimal); ``1_0``, ``0b101`` and sexagesimal ``1:20`` are
    text; an integer of more than ``MAX_DIGITS`` digits is refused;
  - floats are ``1.5``, ``.5``, ``1e3``, ``.inf``, ``-.inf``, ``.nan`` (any of their YAML 1.2
    spellings); ``1_000.5`` is text.

  So a value is never silently turned into another: a field that wants a boolean or a number and
  gets ``on`` or ``1_0`` says so (the event readers add how to write it).
* Numbers remember how they were written (``WrittenInt``/``WrittenFloat``: their ``repr`` and
  ``str`` are the source text), so that an error shows ``got 0x1F``, not ``got 31``.
* Mappings and sequences come back as ``YamlMap``/``YamlList``: a dict and a list that also know
  the line where they start and, for a mapping, the line of each key, so that errors can name it.

Speed: a document is first read by libyaml (PyYAML's C parser, about six times faster) with
the same resolvers and constructors, after a scan of its parse events for anchors, aliases and
depth; anything unusual (an anchor, an alias, too deep, any error at all) is read again by the
pure-Python loader, whose checks and messages are the reference. So the C path only ever
returns what the Python path would have returned.

Text holding a lone surrogate (``"\\ud800"``: half of a UTF-16 pair, no character) cannot be
written out as UTF-8; it is refused with its line, except with ``lenient=True`` (session records),
where the event readers refuse the one event that holds it.
"""
from __future__ import annotations

import math
import re
from typing import Any

import yaml


MAX_DEPTH = 64
MAX_CHARS = 2_000_000      # a session record is a few hundred events; the parser is ~4 s per MB
MAX_DIGITS = 1_000         # digits of an integer (Python refuses to convert more than 4,300)

_CORE = "tag:yaml.org,2002:"
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_SURROGATE = re.compile("[\ud800-\udfff]")


class YamlError(ValueError):
    """The text is not acceptable YAML; ``line``/``column`` are 1-based where known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class YamlMap(dict[Any, Any]):
    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list[Any]):
    line: int = 0
    item_lines: list[int]
    item_columns: list[int | None]


class WrittenInt(int):
    """An integer that shows itself as it was written (``0x1F``, ``+5``, ``007``)."""

    written: str

    def __new__(cls, value: int, written: str) -> "WrittenInt":
        number = super().__new__(cls, value)
        number.written = written
        return number

    def __getnewargs__(self) -> tuple[int, str]:  # type: ignore[override]  # pickling keeps the spelling
        return int(self), self.written

    def __repr__(self) -> str:
        return self.written

    __str__ = __repr__


class WrittenFloat(float):
    """A float that shows itself as it was written (``1e3``, ``.inf``)."""

    written: str

    def __new__(cls, value: float, written: str) -> "WrittenFloat":
        number = super().__new__(cls, value)
        number.written = written
        return number

    def __getnewargs__(self) -> tuple[float, str]:  # type: ignore[override]  # pickling keeps the spelling
        return float(self), self.written

    def __repr__(self) -> str:
        return self.written

    __str__ = __repr__


class Unreadable:
    """A scalar no value can be built from (an integer of 5,000 digits), kept as written.

    Only lenient loads (and the JSON readers) leave one in place: whatever expects a value
    refuses it, and its ``repr`` says what was written.
    """

    def __init__(self, written: str, reason: str, expected: str):
        self.written = written
        self.reason = reason          # "a number of 5,000 digits"
        self.expected = expected      # "at most 1,000 digits"

    def __repr__(self) -> str:
        text = self.written if len(self.written) <= 24 else f"{self.written[:10]}…{self.written[-10:]}"
        return f"{text} ({self.reason})"

    __str__ = __repr__


def too_long_number(written: str) -> Unreadable | None:
    """The Unreadable for an integer of more than ``MAX_DIGITS`` digits, or None."""
    digits = len(written.lstrip("+-"))
    if digits <= MAX_DIGITS:
        return None
    return Unreadable(written, f"a number of {digits:,} digits", f"at most {MAX_DIGITS:,} digits")


def lone_surrogate(text: str) -> str | None:
    """The first lone surrogate of ``text``, escaped (``\\ud800``), or None."""
    found = _SURROGATE.search(text)
    return f"\\u{ord(found.group()):04x}" if found else None


class _Loader(yaml.SafeLoader):
    """SafeLoader without aliases, with YAML 1.2 scalars, depth and duplicate checks."""

    lenient = False

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs leave it untyped
            raise YamlError("aliases (*name) are not allowed", event.start_mark.line + 1,
                            event.start_mark.column + 1)
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if getattr(event, "anchor", None):
            raise YamlError("anchors (&name) are not allowed", event.start_mark.line + 1,
                            event.start_mark.column + 1)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _LenientLoader(_Loader):
    lenient = True


# YAML 1.2 core schema: these resolvers replace YAML 1.1's (no yes/no/on/off, no octal 0170,
# no 1_000, no sexagesimal, no timestamps, no merge keys).
_Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
        ("bool", _BOOL_RE, "tTfF"),
        ("null", _NULL, ["~", "n", "N", ""]),
        ("int", _INT, "-+0123456789"),
        ("float", _FLOAT, "-+.0123456789")):
    _Loader.add_implicit_resolver(_CORE + _tag, _regexp, list(_first))


def _where(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    text = loader.construct_scalar(node)
    surrogate = lone_surrogate(text)
    if surrogate and not loader.lenient:
        raise YamlError(f"text with a lone surrogate ({surrogate}): expected whole characters "
                        "(a surrogate is half of a UTF-16 pair)", *_where(node))
    return text


def _construct_bool(loader: _Loader, node: yaml.ScalarNode) -> bool:
    text = loader.construct_scalar(node)
    if text not in _BOOL:
        raise YamlError(f"'{text}' is not a boolean: expected true or false", *_where(node))
    return _BOOL[text]


def _construct_null(loader: _Loader, node: yaml.ScalarNode) -> None:
    text = loader.construct_scalar(node)
    if not _NULL.match(text):
        raise YamlError(f"'{text}' is not null: expected null, ~ or nothing", *_where(node))
    return None


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | Unreadable:
    text = loader.construct_scalar(node)
    if not _INT.match(text):
        raise YamlError(f"'{text}' is not an integer: expected decimal digits, 0o… or 0x…", *_where(node))
    unreadable = too_long_number(text)
    if unreadable is not None:
        if loader.lenient:
            return unreadable
        raise YamlError(f"{unreadable.reason}: expected {unreadable.expected}", *_where(node))
    if text.startswith("0o"):
        return WrittenInt(int(text[2:], 8), text)
    if text.startswith("0x"):
        return WrittenInt(int(text[2:], 16), text)
    return WrittenInt(int(text), text)


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    text = loader.construct_scalar(node)
    if not _FLOAT.match(text):
        raise YamlError(f"'{text}' is not a number: expected e.g. 1.5, 1e3 or .inf", *_where(node))
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return WrittenFloat(-math.inf if lowered.startswith("-") else math.inf, text)
    if lowered == ".nan":
        return WrittenFloat(math.nan, text)
    return WrittenFloat(float(text), text)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> YamlMap:
    result = YamlMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise YamlError("mapping keys must be plain scalars", *_where(key_node))
        if key in result:
            raise YamlError(f"duplicate key '{key}'", *_where(key_node))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_list(loader: _Loader, node: yaml.SequenceNode) -> YamlList:
    result = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    result.item_columns = [child.start_mark.column + 1 for child in node.value]
    return result


def _construct_other(loader: _Loader, node: yaml.Node) -> Any:
    tag = node.tag.replace(_CORE, "!!")
    raise YamlError(f"tag '{tag}' is not allowed: expected plain YAML data (text, numbers, true/false, "
                    "lists, mappings)", *_where(node))


# Only the core schema's tags: !!binary, !!set, !!timestamp, !!python/… are refused with their line.
_Loader.yaml_constructors = {None: _construct_other}
for _tag, _constructor in (("str", _construct_str), ("bool", _construct_bool), ("null", _construct_null),
                           ("int", _construct_int), ("float", _construct_float),
                           ("map", _construct_map), ("seq", _construct_list)):
    _Loader.add_constructor(_CORE + _tag, _constructor)


_FAST = bool(getattr(yaml, "__with_libyaml__", False))
if _FAST:
    class _CLoader(yaml.CSafeLoader):
        lenient = False

    class _CLenientLoader(_CLoader):
        lenient = True

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers     # YAML 1.2, as above
    _CLoader.yaml_constructors = _Loader.yaml_constructors

_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class _Careful(Exception):
    """The fast path declines: the pure-Python loader reads the document (and says what is wrong)."""


def _plain_structure(text: str) -> None:
    """Raise ``_Careful`` unless the document has no anchor, no alias and bounded depth."""
    scanner = yaml.CSafeLoader(text)
    depth = 0
    try:
        get = scanner.get_event
        while (event := get()) is not None:
            kind = type(event)
            if kind in _OPENS:
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Careful()
            elif kind in _CLOSES:
                depth -= 1
            elif kind is yaml.AliasEvent:
                raise _Careful()
            if getattr(event, "anchor", None):
                raise _Careful()
    finally:
        scanner.dispose()


def _load_fast(text: str, lenient: bool) -> Any:
    try:
        _plain_structure(text)
        loader = (_CLenientLoader if lenient else _CLoader)(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except _Careful:
        raise
    except Exception:     # noqa: BLE001 - any refusal: the careful path gives the reference error
        raise _Careful() from None


def load_yaml(text: str, *, lenient: bool = False) -> Any:
    """Parse one YAML document from text.

    ``lenient`` leaves an integer too long to read as an ``Unreadable`` and text with a lone
    surrogate in place (for the event readers to refuse one event), instead of refusing the file.

    Raises:
        YamlError: with the line and column of the problem.
    """
    if len(text) > MAX_CHARS:
        raise YamlError(f"document of {len(text):,} characters: expected at most {MAX_CHARS:,}")
    if _FAST:
        try:
            return _load_fast(text, lenient)
        except _Careful:
            pass
    loader_class = _LenientLoader if lenient else _Loader
    try:
        return yaml.load(text, Loader=loader_class)  # noqa: S506 - _Loader derives from SafeLoader
    except YamlError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = error.problem or error.context or "invalid YAML"
        raise YamlError(what, mark.line + 1 if mark else None,
                        mark.column + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise YamlError(str(error).splitlines()[0]) from None
    except RecursionError:
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels") from None
