"""The expression language of rule conditions and values (compliance/expressions.py), as a
specification: what each form means, and the error a rule author reads for each mistake.

The parser only parses; names and kinds are checked by the rule loader, not here.
"""
from __future__ import annotations

import pytest

from compliance.expressions import (Arith, Condition, ExpressionError, Literal, Ref, Span,
                                    operand_refs, parse_condition, parse_value)

MINUTE, HOUR, DAY = 60, 3600, 86400


# -- conditions: field, comparison, operand ---------------------------------------------------------

def test_a_condition_compares_a_field_with_a_field_of_an_earlier_match():
    """``candidate == t.candidate`` reads field ``candidate`` of the matched event and compares
    it with field ``candidate`` of the event bound to ``t``."""
    assert parse_condition("candidate == t.candidate") == Condition("candidate", "==", Ref("t", "candidate"))


@pytest.mark.parametrize("op", ["==", "!=", "<=", ">=", "<", ">"])
def test_every_comparison_is_read_as_written(op):
    """The six comparisons, two-character ones included, are kept as written."""
    assert parse_condition(f"at {op} t.at") == Condition("at", op, Ref("t", "at"))


def test_spaces_are_optional_and_any_whitespace_separates():
    """``at<=t.at``, extra spaces and tabs all read the same."""
    expected = Condition("at", "<=", Ref("t", "at"))
    assert parse_condition("at<=t.at") == expected
    assert parse_condition("  at  <=  t.at  ") == expected
    assert parse_condition("at\t<=\tt.at") == expected


def test_a_condition_keeps_its_text_for_messages_but_equality_ignores_it():
    """The text as written is kept (errors quote it); two conditions that mean the same are equal."""
    spaced = parse_condition("at <= t.at")
    assert spaced.text == "at <= t.at"
    assert spaced == parse_condition("at<=t.at")


def test_field_names_may_hold_accented_letters_and_underscores():
    """Names are Unicode words: letters, digits after the first, underscores."""
    assert parse_condition("réussite_2 == c.état") == Condition("réussite_2", "==", Ref("c", "état"))


# -- literals ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("sealed == true", True),
    ("sealed == false", False),
    ("extra_minutes > 30", 30),
    ("extra_minutes > -5", -5),
    ("score >= 2.5", 2.5),
    ("kind == msp", "msp"),
    ("site == 'Lyon 3e'", "Lyon 3e"),
    ('site == "Saint-Étienne"', "Saint-Étienne"),
    ("site != ''", ""),
])
def test_literals_are_booleans_numbers_bare_words_and_quoted_text(text, value):
    """``true``/``false`` are booleans, numbers are ints unless they have a decimal point, a bare
    word is its text, and quotes (single or double) hold any text, spaces and accents included."""
    operand = parse_condition(text).operand
    assert operand == Literal(value)
    assert type(operand.value) is type(value)


@pytest.mark.parametrize("text, seconds", [
    ("1 minute", MINUTE), ("30 minutes", 30 * MINUTE), ("45 min", 45 * MINUTE),
    ("1 hour", HOUR), ("2 hours", 2 * HOUR), ("3 h", 3 * HOUR),
    ("1 day", DAY), ("15 days", 15 * DAY), ("2 d", 2 * DAY),
    ("1.5 hours", 90 * MINUTE), ("0.5 min", 30), ("2days", 2 * DAY), ("-5 minutes", -5 * MINUTE),
])
def test_a_number_followed_by_a_unit_is_a_duration_in_seconds(text, seconds):
    """Units are minute(s)/min, hour(s)/h, day(s)/d; a duration is held in whole seconds, the
    engine's unit."""
    assert parse_condition(f"duration_minutes == {text}").operand == Span(seconds)


def test_a_number_followed_by_an_unknown_unit_is_not_a_duration():
    """``3 weeks`` is no duration: the number is read, and the word after it is an error."""
    with pytest.raises(ExpressionError) as caught:
        parse_condition("at == 3 weeks")
    assert str(caught.value) == "unexpected 'weeks' after the expression"


# -- time arithmetic --------------------------------------------------------------------------------

def test_a_field_plus_a_duration():
    """``t.at + 15 days`` is the instant fifteen days after ``t``'s."""
    assert parse_condition("at <= t.at + 15 days").operand == Arith(Ref("t", "at"), "+", Span(15 * DAY))


def test_a_field_minus_a_duration():
    assert parse_condition("at < t.at - 30 minutes").operand == Arith(Ref("t", "at"), "-", Span(30 * MINUTE))


def test_a_field_plus_fields_reads_left_to_right():
    """``t.at + s.duration_minutes + a.extra_minutes`` is ``(t.at + s.duration) + a.extra``."""
    assert parse_condition("at > t.at + s.duration_minutes + a.extra_minutes").operand == Arith(
        Arith(Ref("t", "at"), "+", Ref("s", "duration_minutes")), "+", Ref("a", "extra_minutes"))


def test_additions_and_subtractions_chain_left_to_right():
    """``c.at + 15 days - 1 d`` is ``(c.at + 15 days) - 1 day``."""
    assert parse_value("c.at + 15 days - 1 d") == Arith(
        Arith(Ref("c", "at"), "+", Span(15 * DAY)), "-", Span(DAY))


def test_a_duration_alone_is_an_operand():
    """A literal duration may stand alone on the right: ``duration_minutes > 4 h``."""
    assert parse_condition("duration_minutes > 4 h").operand == Span(4 * HOUR)


def test_refs_lists_every_field_of_other_matches_a_condition_reads_in_order():
    """What the rule loader checks names of: every ``alias.field`` on the right, left to right."""
    cond = parse_condition("at > t.at + s.duration_minutes + 30 min + a.extra_minutes")
    assert cond.refs() == (Ref("t", "at"), Ref("s", "duration_minutes"), Ref("a", "extra_minutes"))
    assert parse_condition("kind == msp").refs() == ()
    assert operand_refs(Span(60)) == ()


def test_a_ref_reads_as_written():
    assert str(Ref("t", "candidate")) == "t.candidate"


# -- lists ------------------------------------------------------------------------------------------

def test_in_takes_a_list_of_literals():
    """``role in [manager, substitute]`` holds when the field is one of the listed values."""
    assert parse_condition("role in [manager, substitute]") == Condition(
        "role", "in", (Literal("manager"), Literal("substitute")))


def test_a_list_may_hold_one_item_numbers_and_quoted_text():
    assert parse_condition("role in [manager]").operand == (Literal("manager"),)
    assert parse_condition("extra_minutes in [15, 30]").operand == (Literal(15), Literal(30))
    assert parse_condition("site in ['Lyon 3e', Vénissieux]").operand == (Literal("Lyon 3e"), Literal("Vénissieux"))


# -- values (messages and evidence) ------------------------------------------------------------------

def test_a_value_is_a_field_of_a_match():
    assert parse_value("s.duration_minutes") == Ref("s", "duration_minutes")


def test_a_value_may_be_a_difference_of_two_instants():
    """``e.at - s.at``: how long between two matched events."""
    assert parse_value("e.at - s.at") == Arith(Ref("e", "at"), "-", Ref("s", "at"))


def test_a_value_may_be_a_field_plus_a_duration():
    """``c.at + 15 days``: a deadline, for a message."""
    assert parse_value("c.at + 15 days") == Arith(Ref("c", "at"), "+", Span(15 * DAY))


# -- the errors a rule author reads ----------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("", "unexpected end of expression"),
    ("   ", "unexpected end of expression"),
    ("at", "unexpected end of expression"),
    ("at ==", "unexpected end of expression"),
    ("at == t.at +", "unexpected end of expression"),
    ("t.at == 1", "a condition starts with a field name of the matched event, got 't.at'"),
    ("'at' == 1", "a condition starts with a field name of the matched event, got \"'at'\""),
    ("15 == at", "a condition starts with a field name of the matched event, got '15'"),
    ("at t.at", "expected a comparison (==, !=, <=, >=, <, > or in), got 't.at'"),
    ("at + t.at", "expected a comparison (==, !=, <=, >=, <, > or in), got '+'"),
    ("at == t.at + 5", "expected a duration (e.g. 15 days) or alias.field after + or -"),
    ("at == t.at + msp", "expected a duration (e.g. 15 days) or alias.field after + or -"),
    ("at == 15 days + t.at", "unexpected '+' after the expression"),
    ("at == t.at t.at", "unexpected 't.at' after the expression"),
    ("at == ]", "expected a literal value, got ']'"),
    ("role in manager", "expected '[' after 'in'"),
    ("role in [manager substitute]", "expected ',' or ']' in the list"),
    ("role in [manager,", "unexpected end of expression"),
    ("role in []", "expected a literal value, got ']'"),
    ("role in [t.role]", "expected a literal value, got 't.role'"),
    ("role in [15 days]", "'in' takes a list of plain literals"),
    ("role in [manager] extra", "unexpected 'extra' after the expression"),
    ("at==t.at.x", "unexpected character '.' at position 9"),
])
def test_a_malformed_condition_gets_one_message_saying_what_was_expected(text, message):
    """Each mistake gets one message naming what was expected, and the text as written."""
    with pytest.raises(ExpressionError) as caught:
        parse_condition(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("text, message", [
    ("at = t.at", "unexpected character '=' at position 4"),
    ("e.at * 2", "unexpected character '*' at position 6"),
    ("site == 'Lyon", "unexpected character \"'\" at position 9"),
    ("at <=  \t@t.at", "unexpected character '@' at position 9"),       # after spaces and a tab
    ("at == t.at ;", "unexpected character ';' at position 12"),
])
def test_an_unexpected_character_is_named_with_its_own_position(text, message):
    """The position (counted from 1) is the unexpected character's own: in ``at = t.at`` the
    ``=`` is the fourth character."""
    with pytest.raises(ExpressionError) as caught:
        parse_condition(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("text", [None, 42, ["at == t.at"], {"at": "t.at"}])
def test_a_condition_that_is_not_text_gets_an_example_of_one(text):
    """A YAML list or number where a condition was expected gets an example of the form."""
    with pytest.raises(ExpressionError) as caught:
        parse_condition(text)
    assert str(caught.value) == "expected a condition text such as 'candidate == t.candidate'"


@pytest.mark.parametrize("text, message", [
    ("", "unexpected end of expression"),
    ("e.at -", "unexpected end of expression"),
    ("15 days", "a value must read a matched event: alias.field"),
    ("duree", "a value must read a matched event: alias.field"),
    ("'e.at'", "a value must read a matched event: alias.field"),
    ("e.at - 5", "expected a duration (e.g. 15 days) or alias.field after + or -"),
    ("e.at s.at", "unexpected 's.at' after the expression"),
    ("e.at == s.at", "unexpected '==' after the expression"),
])
def test_a_malformed_value_gets_one_message_saying_what_was_expected(text, message):
    with pytest.raises(ExpressionError) as caught:
        parse_value(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("text", [None, 3, ["e.at"]])
def test_a_value_that_is_not_text_gets_an_example_of_one(text):
    with pytest.raises(ExpressionError) as caught:
        parse_value(text)
    assert str(caught.value) == "expected an expression such as 'e.at - s.at'"


def test_an_expression_error_is_a_value_error():
    """Callers that catch ValueError (bad input) catch it too."""
    assert issubclass(ExpressionError, ValueError)


# -- from the rule-language work: day-inclusive comparisons and malformed conditions

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
    # day(x) is the local day of instant x: the comparison is between two days, as written
    ("valid_until >= day(opening.at)", ">=", Ref("opening", "at")),
    ("valid_from <= day(opening.at)", "<=", Ref("opening", "at")),
    ("valid_from > day(opening.at)", ">", Ref("opening", "at")),
    ("valid_until < day(opening.at)", "<", Ref("opening", "at")),
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
