"""The small expression language of rule conditions and computed values.

A condition reads one field of the event being matched and compares it::

    candidate == t.candidate          same candidate as the event bound to ``t``
    at <= t.at + 15 days              time arithmetic: minutes, hours, days
    role in [manager, substitute]     one of several literals
    sealed == false                   literals: numbers, true/false, 'quoted' or bare words

A value (for messages and evidence) is an operand alone: ``e.at - s.at``, ``c.at + 15 days``.

This module parses and bounds numbers; the rule loader checks names and kinds against the event
vocabulary. Numbers are bounded here because the engine holds rule constants in a C ``long`` and
computes in 64-bit integers that wrap silently: a rule that could overflow is refused, never run.
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Union

import attrs

from . import _time

UNITS = {
    "minute": _time.MINUTE, "minutes": _time.MINUTE, "min": _time.MINUTE,
    "hour": _time.HOUR, "hours": _time.HOUR, "h": _time.HOUR,
    "day": _time.DAY, "days": _time.DAY, "d": _time.DAY,
}
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
# A number literal fits in 32 bits: the engine parses rule constants into a C long (32 bits on
# some platforms).
MAX_NUMBER = 2**31 - 1
MAX_SPAN_DAYS = 10_000                  # about 27 years: no regulatory delay comes near
MAX_SPAN = MAX_SPAN_DAYS * _time.DAY    # 864,000,000 s, below MAX_NUMBER
# Every field a rule reads is below 2^40 in magnitude (instants of years 1 to 9999 are within
# 2^38 seconds of the epoch; durations are at most 10,000,000 minutes or days), so a chain of at
# most MAX_TERMS fields and spans stays far inside the engine's signed 64-bit integers.
MAX_TERMS = 20
_MAX_DIGITS = 12                        # longer numbers are refused before conversion


class ExpressionError(ValueError):
    """Unparseable expression; the message says what was expected."""


@attrs.frozen
class Ref:
    """``alias.field``: a field of the event bound to ``alias``."""
    alias: str
    field: str

    def __str__(self) -> str:
        return f"{self.alias}.{self.field}"


@attrs.frozen
class Literal:
    value: Union[str, int, float, bool]


@attrs.frozen
class Span:
    """A literal duration, in seconds."""
    seconds: int


@attrs.frozen
class Arith:
    """``left + right`` or ``left - right``; chains read left to right (``a + b - c``)."""
    left: Union[Ref, "Arith"]
    op: str
    right: Union[Ref, Span]


Operand = Union[Ref, Literal, Span, Arith]


@attrs.frozen
class Condition:
    field: str
    op: str                       # one of COMPARISONS, or "in"
    operand: Union[Operand, tuple[Literal, ...]]
    text: str = attrs.field(eq=False, default="")
    # written with ``day(alias.field)``: the field is a calendar day, compared day-inclusive
    calendar: bool = attrs.field(eq=False, default=False)

    def refs(self) -> tuple[Ref, ...]:
        return operand_refs(self.operand)


def operand_refs(operand: Union[Operand, tuple[Literal, ...]]) -> tuple[Ref, ...]:
    if isinstance(operand, Ref):
        return (operand,)
    if isinstance(operand, Arith):
        return operand_refs(operand.left) + operand_refs(operand.right)
    return ()


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>'[^']*'|"[^"]*")
    | (?P<num>-?[0-9]+(?:\.[0-9]+)?)
    | (?P<op>==|!=|<=|>=|<|>|\+|-|\[|\]|,|\(|\))
    | (?P<word>[^\W\d][\w]*(?:\.[^\W\d][\w]*)?)
    )""", re.VERBOSE | re.UNICODE)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = len(text) - len(text[pos:].lstrip())     # the character itself, past any space
            raise ExpressionError(f"unexpected character {text[bad]!r} at position {bad + 1}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExpressionError("unexpected end of expression")
        self.i += 1
        return tok

    def done(self) -> None:
        extra = self.peek()
        if extra is not None:
            raise ExpressionError(f"unexpected {extra[1]!r} after the expression")

    def literal(self) -> Literal | Span:
        kind, value = self.take()
        if kind == "str":
            return Literal(value[1:-1])
        if kind == "num":
            whole = value.lstrip("-").split(".")[0]
            if len(whole.lstrip("0")) > _MAX_DIGITS or len(value) > 2 * _MAX_DIGITS:
                raise ExpressionError(f"number {_clip(value)} has too many digits")
            exact = Fraction(value)
            nxt = self.peek()
            if nxt and nxt[0] == "word" and nxt[1] in UNITS:
                self.take()
                seconds = exact * UNITS[nxt[1]]
                if abs(seconds) > MAX_SPAN:
                    raise ExpressionError(f"duration {value} {nxt[1]} is too long: at most "
                                          f"{MAX_SPAN_DAYS:,} days")
                return Span(int(seconds))
            if abs(exact) > MAX_NUMBER:
                raise ExpressionError(f"number {value} is out of range (at most ±{MAX_NUMBER:,})")
            return Literal(float(value) if "." in value else int(value))
        if kind == "word" and "." not in value:
            if value in ("true", "false"):
                return Literal(value == "true")
            return Literal(value)
        raise ExpressionError(f"expected a literal value, got {value!r}")

    def operand(self) -> Operand:
        kind, value = self.peek() or ("", "")
        if kind == "word" and "." in value:
            self.take()
            left: Ref | Arith = Ref(*value.split("."))
            terms = 1
            while (nxt := self.peek()) and nxt[0] == "op" and nxt[1] in "+-":
                terms += 1
                if terms > MAX_TERMS:
                    raise ExpressionError(f"arithmetic with more than {MAX_TERMS} terms")
                op = self.take()[1]
                left = Arith(left, op, self.operand_term())
            return left
        return self.literal()

    def operand_term(self) -> Ref | Span:
        kind, value = self.peek() or ("", "")
        if kind == "word" and "." in value:
            self.take()
            return Ref(*value.split("."))
        term = self.literal()
        if not isinstance(term, Span):
            raise ExpressionError("expected a duration (e.g. 15 days) or alias.field after + or -")
        return term


def parse_condition(text: str) -> Condition:
    """Parse ``field op operand``.

    >>> parse_condition("at <= t.at + 15 days").operand
    Arith(left=Ref(alias='t', field='at'), op='+', right=Span(seconds=1296000))
    """
    if not isinstance(text, str):
        raise ExpressionError("expected a condition text such as 'candidate == t.candidate'")
    p = _Parser(text)
    kind, field = p.take()
    if kind != "word" or "." in field:
        raise ExpressionError(f"a condition starts with a field name of the matched event, got {field!r}")
    kind, op = p.take()
    if op == "in":
        if p.take()[1] != "[":
            raise ExpressionError("expected '[' after 'in'")
        items = []
        while True:
            item = p.literal()
            if not isinstance(item, Literal):
                raise ExpressionError("'in' takes a list of plain literals")
            items.append(item)
            sep = p.take()[1]
            if sep == "]":
                break
            if sep != ",":
                raise ExpressionError("expected ',' or ']' in the list")
        p.done()
        return Condition(field, "in", tuple(items), text)
    if op not in COMPARISONS:
        raise ExpressionError(f"expected a comparison ({', '.join(COMPARISONS)} or in), got {op!r}")
    if p.peek() == ("word", "day") and p.i + 1 < len(p.tokens) and p.tokens[p.i + 1] == ("op", "("):
        return _calendar_condition(p, field, op, text)
    operand = p.operand()
    p.done()
    return Condition(field, op, operand, text)


# A calendar day is midnight at its start (in the session's zone) inside the engine, and every
# fact also carries, for each of its instants, midnight at the start of that instant's local day
# (``DAY_OF``). "Day D is on or after the day of instant x" compares the two midnights, which
# stays exact on the 23- and 25-hour days of the daylight-saving changes.
DAY_OF = "{}_day"      # the fact field holding the local day of an instant field
_CALENDAR = ("<=", ">=", "<", ">")


def _calendar_condition(p: "_Parser", field: str, op: str, text: str) -> Condition:
    """``field op day(alias.field)``: a calendar-day field against the day of an instant.

    >>> c = parse_condition("valid_until >= day(o.at)")
    >>> (c.op, c.operand, c.calendar)
    ('>=', Ref(alias='o', field='at'), True)
    """
    if op not in _CALENDAR:
        raise ExpressionError(f"day(...) compares with <=, >=, < or >, got {op!r}")
    p.take()
    p.take()
    kind, value = p.take()
    if kind != "word" or value.count(".") != 1:
        raise ExpressionError("day(...) takes alias.field, e.g. day(t.at)")
    if p.take() != ("op", ")"):
        raise ExpressionError("expected ')' after day(alias.field")
    p.done()
    return Condition(field, op, Ref(*value.split(".")), text, calendar=True)


def parse_value(text: str) -> Ref | Arith:
    """Parse a value expression: ``alias.field`` with optional ``+``/``-`` term."""
    if not isinstance(text, str):
        raise ExpressionError("expected an expression such as 'e.at - s.at'")
    p = _Parser(text)
    operand = p.operand()
    p.done()
    if not isinstance(operand, (Ref, Arith)):
        raise ExpressionError("a value must read a matched event: alias.field")
    return operand


def _clip(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
