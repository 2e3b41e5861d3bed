"""compliance._yaml: values are read as YAML 1.2 writes them, and nothing unsafe is built."""
from __future__ import annotations

import math
import pickle

import pytest
from hypothesis import given, strategies as st

from compliance._yaml import MAX_CHARS, Unreadable, YamlError, load_yaml


@pytest.mark.parametrize("written, value", [
    # YAML 1.1 booleans are text in YAML 1.2
    ("on", "on"), ("off", "off"), ("yes", "yes"), ("no", "no"), ("y", "y"), ("n", "n"),
    ("Yes", "Yes"), ("ON", "ON"), ("tRue", "tRue"),
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False), ("FALSE", False),
    # YAML 1.1 numbers that YAML 1.2 reads otherwise
    ("0170", 170), ("010", 10), ("-010", -10), ("+5", 5), ("1_0", "1_0"), ("1_000.5", "1_000.5"),
    ("0b101", "0b101"), ("1:20", "1:20"), ("12:30:00", "12:30:00"),
    ("0x1F", 31), ("0o17", 15), ("0o8", "0o8"), ("0X1F", "0X1F"),
    ("1e3", 1000.0), (".5", 0.5), ("5.", 5.0), ("-.Inf", -math.inf), (".INF", math.inf),
    # null
    ("~", None), ("null", None), ("Null", None), ("NULL", None), ("", None), ("nil", "nil"),
    # dates stay text
    ("2026-03-10", "2026-03-10"), ("2026-03-10T09:00:00+01:00", "2026-03-10T09:00:00+01:00"),
    ("<<", "<<"), ("=", "="),
])
def test_plain_scalars_are_read_as_yaml_1_2_core_schema(written, value):
    loaded = load_yaml(f"a: {written}\n")["a"]
    assert loaded == value

    def kind(v):
        return [isinstance(v, t) for t in (bool, int, float, str, type(None))]
    assert kind(loaded) == kind(value)


def test_nan_is_a_float():
    assert math.isnan(load_yaml("a: .nan")["a"]) and math.isnan(load_yaml("a: .NaN")["a"])


def test_yaml_1_1_words_used_as_keys_stay_text():
    assert load_yaml("on: 1\nyes: 2\nno: 3\n") == {"on": 1, "yes": 2, "no": 3}


@pytest.mark.parametrize("written", ["0x1F", "0o17", "+5", "007", "1e3", ".inf"])
def test_numbers_show_themselves_as_written(written):
    """An error message that shows the value shows the text of the file, not its conversion."""
    value = load_yaml(f"a: {written}")["a"]
    assert repr(value) == written and str(value) == written and f"{value}" == written


def test_numbers_keep_their_value_through_arithmetic_json_and_pickle():
    import json
    value = load_yaml("a: 0x1F")["a"]
    assert value + 1 == 32 and int(value) == 31 and json.dumps(value) == "31"
    again = pickle.loads(pickle.dumps(value))
    assert again == 31 and repr(again) == "0x1F"


@pytest.mark.parametrize("text, line, column, fragment", [
    ("a: !!binary aGk=\n", 1, 4, "tag '!!binary' is not allowed"),
    ("a: 1\nb: !!set {x}\n", 2, 4, "tag '!!set' is not allowed"),
    ("a: !!timestamp 2026-01-01\n", 1, 4, "tag '!!timestamp' is not allowed"),
    ("a: !!python/object/apply:os.system [echo]\n", 1, 4, "tag '!!python/object/apply:os.system'"),
    ("a: !custom x\n", 1, 4, "tag '!custom' is not allowed"),
    ("a: !!bool yes\n", 1, 4, "'yes' is not a boolean: expected true or false"),
    ("a: !!int 1_0\n", 1, 4, "'1_0' is not an integer"),
    ("a: !!float x\n", 1, 4, "'x' is not a number"),
    ("a:\n  b: " + "7" * 5000 + "\n", 2, 6, "a number of 5,000 digits: expected at most 1,000 digits"),
    ('a: [1, "P\\ud800"]\n', 1, 8, "text with a lone surrogate (\\ud800)"),
    ("a: 1\na: 2\n", 2, 1, "duplicate key 'a'"),
    ("a: &x 1\nb: *x\n", 1, 4, "anchors (&name) are not allowed"),
])
def test_what_cannot_be_read_as_plain_data_is_refused_with_its_place(text, line, column, fragment):
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert fragment in caught.value.message


def test_explicit_core_tags_are_still_allowed():
    assert load_yaml("a: !!str 0170\nb: !!int 0x10\nc: !!bool true\nd: !!null ~\n") == \
        {"a": "0170", "b": 16, "c": True, "d": None}


def test_lenient_loading_keeps_what_one_event_cannot_use():
    """Session records load leniently: the reader then refuses one event, not the whole file."""
    doc = load_yaml("a: " + "1" * 5000 + '\nb: "P\\ud800"\n', lenient=True)
    assert isinstance(doc["a"], Unreadable) and doc["a"].reason == "a number of 5,000 digits"
    assert "5,000 digits" in repr(doc["a"]) and len(repr(doc["a"])) < 80
    assert doc["b"] == "P\ud800"


def test_a_document_beyond_the_size_bound_is_refused_before_parsing():
    with pytest.raises(YamlError) as caught:
        load_yaml("a: '" + "x" * MAX_CHARS + "'\n")
    assert f"expected at most {MAX_CHARS:,}" in caught.value.message


@given(st.integers(min_value=-10 ** 30, max_value=10 ** 30), st.integers(0, 3))
def test_decimal_integers_are_decimal_whatever_their_leading_zeros(number, zeros):
    sign = "-" if number < 0 else ""
    written = f"{sign}{'0' * zeros}{abs(number)}"
    value = load_yaml(f"a: {written}")["a"]
    assert value == number and repr(value) == written


@given(st.text(alphabet="onyesfaltrucOFFNYT_0123456789:.xob+-", min_size=1, max_size=8))
def test_any_plain_word_is_text_unless_yaml_1_2_says_otherwise(word):
    """Only the YAML 1.2 core forms become booleans, numbers or null; everything else is text."""
    import re
    try:
        value = load_yaml(f"a: {word}\n")["a"]
    except YamlError:
        return                       # not a plain scalar (e.g. starts with '-' then a space)
    if isinstance(value, (dict, list)):
        return                       # "1:" is a mapping, not a scalar
    core = re.fullmatch(r"true|True|TRUE|false|False|FALSE|null|Null|NULL|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
                        r"|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)",
                        word)
    if value is None:
        assert word in ("null", "Null", "NULL")
    else:
        assert isinstance(value, str) == (core is None), (word, value)


# -- the fast path (libyaml) returns exactly what the careful (pure-Python) path returns --------

from compliance import _yaml  # noqa: E402

_SCALARS = st.sampled_from(["on", "0170", "1_0", "1:20", "0x1F", ".inf", "~", "", "true", "TRUE", "é",
                            "2026-03-10T09:00:00+01:00", "'quoted: on'", '"\\u00e9\\t"', "-5", "1e3",
                            "Noël Dupré", "a #not a comment", "<<"])
_KEYS = st.sampled_from(["type", "at", "id", "candidate", "trainers", "name", "0170", "on"])


def _document(draw_value) -> st.SearchStrategy[str]:
    """Block and flow YAML built from tricky scalars, as text (never through a dumper)."""
    flow_list = st.lists(_SCALARS, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]")
    flow_map = st.dictionaries(_KEYS, _SCALARS, max_size=3).map(
        lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}")
    value = st.one_of(_SCALARS, flow_list, flow_map)
    block = st.dictionaries(_KEYS, value, min_size=1, max_size=5).map(
        lambda d: "".join(f"{k}: {v}\n" for k, v in d.items()))
    return st.one_of(block, st.lists(block, min_size=1, max_size=3).map(
        lambda items: "".join("- " + item.replace("\n", "\n  ").rstrip() + "\n" for item in items)))


def _careful(text: str, lenient: bool):
    try:
        return ("ok", _yaml.yaml.load(text, Loader=_yaml._LenientLoader if lenient else _yaml._Loader))
    except Exception as error:     # noqa: BLE001 - compared, not swallowed
        return ("error", type(error).__name__)


def _lines(value):
    if isinstance(value, dict):
        return (getattr(value, "line", None), dict(getattr(value, "key_lines", {})),
                {k: _lines(v) for k, v in value.items()})
    if isinstance(value, list):
        return (getattr(value, "line", None), list(getattr(value, "item_lines", [])),
                list(getattr(value, "item_columns", [])), [_lines(v) for v in value])
    return repr(value)


@given(_document(None), st.booleans())
def test_the_fast_path_reads_every_document_as_the_careful_path_does(text, lenient):
    careful = _careful(text, lenient)
    try:
        fast = ("ok", _yaml._load_fast(text, lenient))
    except _yaml._Careful:
        return                                    # declined: the careful path reads it
    assert careful[0] == "ok", (text, careful)
    assert fast[1] == careful[1]
    assert _lines(fast[1]) == _lines(careful[1])   # lines, columns and spellings too


def test_the_bundled_records_take_the_fast_path():
    from conftest import EXAMPLES
    for record in sorted(EXAMPLES.glob("*.yaml")):
        text = record.read_text(encoding="utf-8")
        assert _lines(_yaml._load_fast(text, True)) == _lines(_careful(text, True)[1])


@pytest.mark.parametrize("text", ["a: &x 1\nb: 2\n", "a: &x [1]\nb: *x\n", "a: " + "[" * 70 + "]" * 70 + "\n",
                                  "a: 1\na: 2\n", "a: !!binary aGVsbG8=\n"])
def test_the_fast_path_declines_what_the_careful_path_refuses(text):
    with pytest.raises(_yaml._Careful):
        _yaml._load_fast(text, False)
    with pytest.raises(YamlError):
        load_yaml(text)
