"""The condition language: what a condition text parses to, and what it refuses."""
from __future__ import annotations

import pytest

from compliance.expressions import Arith, ExpressionError, Literal, Ref, Span, parse_condition, parse_value


@pytest.mark.parametrize("text, op, operand", [
    ("candidate == start.candidate", "==", Ref("start", "candidate")),
    ("at <= start.at + 15 days", "<=", Arith(Ref("start", "at"), "+", Span(15 * 86400))),
    ("sealed == false", "==", Literal(False)),
    ("role in [manager, substitute]", "in", (Literal("manager"), Literal("substitute"))),
])
def test_conditions_parse_to_a_field_a_relation_and_an_operand(text, op, operand):
    cond = parse_condition(text)
    assert (cond.field, cond.op, cond.operand, cond.calendar) == (text.split()[0], op, operand, False)


@pytest.mark.parametrize("text, op, operand", [
    # the day D is on or after the day of x: its midnight is later than x minus one day
    ("valid_until >= day(opening.at)", ">", Arith(Ref("opening", "at"), "-", Span(86400))),
    # the day D is on or before the day of x: its midnight is no later than x
    ("valid_from <= day(opening.at)", "<=", Ref("opening", "at")),
    ("valid_from > day(opening.at)", ">", Ref("opening", "at")),
    ("valid_until < day(opening.at)", "<=", Arith(Ref("opening", "at"), "-", Span(86400))),
])
def test_day_comparisons_are_day_inclusive(text, op, operand):
    cond = parse_condition(text)
    assert (cond.op, cond.operand, cond.calendar, cond.text) == (op, operand, True, text)


@pytest.mark.parametrize("text, message", [
    ("valid_until == day(opening.at)", "day(...) compares with <=, >=, < or >, got '=='"),
    ("valid_until >= day(opening)", "day(...) takes alias.field, e.g. day(t.at)"),
    ("valid_until >= day(opening.at", "unexpected end of expression"),
    ("valid_until >= day(opening.at) + 1 day", "unexpected '+' after the expression"),
    ("at <= t.at + 15", "expected a duration (e.g. 15 days) or alias.field after + or -"),
    ("t.at == 1", "a condition starts with a field name of the matched event, got 't.at'"),
])
def test_malformed_conditions_say_what_was_expected(text, message):
    with pytest.raises(ExpressionError) as caught:
        parse_condition(text)
    assert str(caught.value) == message


def test_a_value_reads_a_matched_event():
    assert parse_value("end.at - start.at") == Arith(Ref("end", "at"), "-", Ref("start", "at"))
    with pytest.raises(ExpressionError, match="a value must read a matched event"):
        parse_value("15 days")
