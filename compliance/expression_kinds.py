"""Kind checking of parsed expressions against what the rule's matches hold.

``expressions`` parses a condition or a value; this module says whether it makes sense: the
field exists on the matched type, both sides are of one family (an instant with an instant, a
duration with a duration, a choice with one of its values), arithmetic adds durations to
instants. A problem raises ``KindError``; the rule reader adds the file, line and rule.
"""
from __future__ import annotations

from typing import Mapping

from .errors import did_you_mean
from .expressions import Condition, Literal, Operand, Ref, Span
from .vocabulary import FieldKinds, choices, family

END = "end"     # reserved alias: the end of the record, whose ``at`` is the audit date

AliasKinds = Mapping[str, FieldKinds]
"""alias -> the field kinds of the type it is bound to."""

_ARITHMETIC = {("instant", "+", "duration"): "instant", ("instant", "-", "duration"): "instant",
               ("instant", "-", "instant"): "duration", ("duration", "+", "duration"): "duration",
               ("duration", "-", "duration"): "duration"}
_ARTICLE = {"instant": "an instant", "duration": "a duration", "literal": "a text or choice",
            "number": "a number", "bool": "true/false"}
_LIST_HINT = "match its items as '<event>.<field>'"


class KindError(ValueError):
    """An expression that reads an unknown name or mixes kinds; fields as in ``ComplianceError``."""

    def __init__(self, message: str, *, expected: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.hint = hint


def operand_family(operand: Operand, kinds: AliasKinds) -> str:
    """The family of an operand's value (instant, duration, number, literal, bool).

    >>> from .expressions import parse_value
    >>> operand_family(parse_value("t.at + 15 days"), {"t": {"at": "time"}})
    'instant'
    """
    if isinstance(operand, Literal):
        value = operand.value
        return "bool" if isinstance(value, bool) else "number" if isinstance(value, (int, float)) else "literal"
    if isinstance(operand, Span):
        return "duration"
    if isinstance(operand, Ref):
        return _ref_family(operand, kinds)
    left = operand_family(operand.left, kinds)
    right = operand_family(operand.right, kinds)
    result = _ARITHMETIC.get((left, operand.op, right))
    if result is None:
        raise KindError(f"cannot compute {left} {operand.op} {right}")
    return result


def _ref_family(ref: Ref, kinds: AliasKinds) -> str:
    if ref.alias == END:
        if ref.field != "at":
            raise KindError(f"'{END}' only has the field 'at' (the audit date)")
        return "instant"
    if ref.alias not in kinds:
        raise KindError(f"unknown alias '{ref.alias}'", hint="aliases are bound by an earlier 'match' entry")
    kind = kinds[ref.alias].get(ref.field)
    if kind is None:
        raise KindError(f"'{ref.alias}' has no field '{ref.field}'",
                        hint=did_you_mean(ref.field, kinds[ref.alias]))
    if kind == "list":
        raise KindError(f"list field '{ref}' cannot be compared", hint=_LIST_HINT)
    return family(kind)


def check_condition(cond: Condition, type_name: str, fields: FieldKinds, kinds: AliasKinds) -> None:
    """Raise ``KindError`` unless ``cond`` reads a field of ``type_name`` and compares like with like."""
    shown = f"condition {quoted(cond.text)}"
    kind = fields.get(cond.field)
    if kind is None:
        raise KindError(f"{shown}: no field '{cond.field}' on this event", hint=did_you_mean(cond.field, fields))
    if kind == "list":
        raise KindError(f"{shown}: list field '{cond.field}' cannot be compared", hint=_LIST_HINT)
    if cond.calendar and kind != "day":
        raise KindError(f"{shown}: day(...) compares a calendar day, and '{cond.field}' is {kind}",
                        hint="compare an instant directly: at <= t.at")
    want = family(kind)
    operands = cond.operand if isinstance(cond.operand, tuple) else (cond.operand,)
    for operand in operands:
        got = operand_family(operand, kinds)
        if got != want:
            raise KindError(f"{shown}: field '{cond.field}' holds {_ARTICLE[want]}, compared with {_ARTICLE[got]}")
        if kind == "enum" and isinstance(operand, Literal):
            allowed = choices(type_name, cond.field)
            if allowed and operand.value not in allowed:
                raise KindError(f"{shown}: '{operand.value}' is not a value of '{cond.field}'",
                                expected="one of " + ", ".join(allowed))
    if cond.op in ("<", "<=", ">", ">=") and want == "bool":
        raise KindError(f"{shown}: '{cond.op}' cannot order true and false")


def quoted(text: object, limit: int = 80) -> str:
    """A condition as written, cut short: rule files are input, a text may be huge."""
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 2] + "…" + shown[-1]
