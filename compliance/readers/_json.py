"""JSON decoding shared by the readers: values as written, and where a record's events start.

* Numbers remember how they were written (``1E400`` is not shown as ``inf``); an integer of more
  than ``_yaml.MAX_DIGITS`` digits (Python cannot convert 4,300) is left as an ``Unreadable``, and an
  object with a key given twice becomes one too, so the readers refuse that one event.
* ``decode_record`` walks a record's top-level object itself, with json's own scanner for each
  value, to keep the line of every key and of every item of ``declarations`` and ``events``.
"""
from __future__ import annotations

import bisect
import json
import re
from typing import Any

from ..errors import shown
from .._yaml import Unreadable, WrittenFloat, WrittenInt, YamlList, YamlMap, too_long_number

__all__ = ["decode", "decode_record", "JSONDecodeError"]

JSONDecodeError = json.JSONDecodeError
_SPACE = re.compile(r"[ \t\n\r]*")
_LISTS = ("declarations", "events")


def _number(written: str) -> int | Unreadable:
    return too_long_number(written) or WrittenInt(int(written), written)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any] | Unreadable:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            return Unreadable("{…}", f"key {shown(key)} given twice", "each key once")
        result[key] = value
    return result


_DECODER = json.JSONDecoder(parse_int=_number, parse_float=lambda text: WrittenFloat(float(text), text),
                            parse_constant=lambda text: Unreadable(text, f"{text} is not JSON", "a number"),
                            object_pairs_hook=_object)


def decode(text: str) -> Any:
    """One JSON value (a log line).

    Raises:
        JSONDecodeError, RecursionError: as ``json.loads``.
    """
    return _DECODER.decode(text)


class _Walk:
    def __init__(self, text: str):
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def skip(self, pos: int) -> int:
        return _SPACE.match(self.text, pos).end()  # type: ignore[union-attr]  # [ \t\n\r]* always matches

    def expect(self, pos: int, char: str) -> int:
        if self.text[pos:pos + 1] != char:
            raise JSONDecodeError(f"Expecting '{char}' delimiter", self.text, pos)
        return pos + 1

    def value(self, pos: int) -> tuple[Any, int]:
        return _DECODER.raw_decode(self.text, pos)

    def items(self, pos: int) -> tuple[YamlList, int]:
        """The list starting at ``pos`` (a '['), each item's line kept."""
        out = YamlList()
        out.line, out.item_lines = self.line(pos), []
        pos = self.skip(pos + 1)
        if self.text[pos:pos + 1] == "]":
            return out, pos + 1
        while True:
            out.item_lines.append(self.line(pos))
            item, pos = self.value(pos)
            out.append(item)
            pos = self.skip(pos)
            if self.text[pos:pos + 1] == "]":
                return out, pos + 1
            pos = self.skip(self.expect(pos, ","))


def decode_record(text: str) -> Any:
    """A JSON record; when it is an object, a ``YamlMap`` whose lists of events know their lines.

    Raises:
        JSONDecodeError, RecursionError: as ``json.loads``; a duplicate top-level key too.
    """
    walk = _Walk(text)
    pos = walk.skip(0)
    if text[pos:pos + 1] != "{":
        return decode(text)
    doc = YamlMap()
    doc.line, doc.key_lines = walk.line(pos), {}
    pos = walk.skip(pos + 1)
    if text[pos:pos + 1] == "}":
        pos += 1
    else:
        while True:
            if text[pos:pos + 1] != '"':
                raise JSONDecodeError("Expecting property name enclosed in double quotes", text, pos)
            key_pos = pos
            key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]  # public, not in typeshed
            if key in doc:
                raise JSONDecodeError(f"key {shown(key)} given twice", text, key_pos)
            pos = walk.skip(walk.expect(walk.skip(pos), ":"))
            if key in _LISTS and text[pos:pos + 1] == "[":
                doc[key], pos = walk.items(pos)
            else:
                doc[key], pos = walk.value(pos)
            doc.key_lines[key] = walk.line(key_pos)
            pos = walk.skip(pos)
            if text[pos:pos + 1] == "}":
                pos += 1
                break
            pos = walk.skip(walk.expect(pos, ","))
    if walk.skip(pos) != len(text):
        raise JSONDecodeError("Extra data", text, walk.skip(pos))
    return doc
