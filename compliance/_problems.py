"""Collecting the problems of a rule base while it is read: all of them, each with its place.

Loaders never stop at the first problem: they add it here and go on, and raise one
``ProblemList`` at the end. The helpers below check the shapes every rule file shares (closed
mappings, bilingual texts) and report what they refuse.
"""
from __future__ import annotations

from typing import Any

from ._yaml import YamlMap
from .errors import Location, ProblemList, RulebookError, did_you_mean
from .model import Text


class Problems:
    """The problems found so far, in the order found."""

    def __init__(self) -> None:
        self.items: list[RulebookError] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, location: Location, message: str, **kw: Any) -> None:
        self.items.append(RulebookError(message, location=location, **kw))

    def raise_if_any(self) -> None:
        if self.items:
            raise ProblemList(list(self.items))

    def closed(self, file: str, node: YamlMap, required: set[str], optional: set[str], what: str) -> bool:
        """Report unknown and missing keys of ``node``; True when there are none."""
        ok = True
        for key in node:
            if key not in required and key not in optional:
                self.add(Location(file, node.line_of(key)), f"{what}: unknown key '{printable(key)}'",
                         hint=did_you_mean(str(key), required | optional))
                ok = False
        for key in sorted(required - set(node)):
            self.add(Location(file, node.line), f"{what}: missing key '{key}'")
            ok = False
        return ok

    def text(self, file: str, node: YamlMap, key: str, what: str) -> Text | None:
        """``node[key]`` as a ``Text``, or None after reporting why it is not one."""
        value = node.get(key)
        if not (isinstance(value, YamlMap) and set(value) == {"fr", "en"}
                and all(isinstance(v, str) and v.strip() for v in value.values())):
            self.add(Location(file, node.line_of(key)), f"{what}: '{key}'",
                     expected="a mapping with non-empty 'fr' and 'en' texts", got=value)
            return None
        return Text(value["fr"], value["en"])


def printable(value: object) -> str:
    """A name as written, its control characters escaped: a problem stays on one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))
