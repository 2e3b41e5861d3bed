"""Structured fuzzing of rule files and waiver files.

Text fuzzers rarely produce a list where a name is expected (``event: [x]``). These build valid
files as data, then put arbitrary YAML values where the schema expects others, drop keys and add
unknown ones. Loading must give a result or problems that each name the file and a line, and no
other exception.
"""
from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, strategies as st

from compliance import ComplianceError, InputError, ProblemList, RulebookError, compiler
from compliance.checker import default_rulebook
from compliance.rulebook import load_rule_files
from compliance.waivers import load_waivers

RULE_FILE = {
    "section": "S3",
    "title": {"fr": "Les candidats", "en": "The candidates"},
    "sources": ["Guide"],
    "rules": [
        {"id": "seance-vue", "title": {"fr": "t", "en": "t"},
         "when": [{"match": "t", "event": "test_started"}],
         "derive": {"type": "seance_vue", "fields": {"candidate": "t.candidate"}}},
        {"id": "S3.1-fuzz", "clause": "S3.1", "severity": "violation",
         "title": {"fr": "Identité", "en": "Identity"},
         "reference": {"text": "Guide", "article": "3", "url": "https://example.org", "quote": "q"},
         "in_force": {"from": "2016-09-01", "until": None},
         "when": [{"match": "t", "event": "test_started", "where": ["test != ZZ"]},
                  {"match": "v", "event": "seance_vue", "where": ["candidate == t.candidate"]},
                  {"absent": "identity_checked",
                   "where": ["candidate == t.candidate", "valid == true", "at <= t.at + 15 days"]}],
         "values": {"delay": "v.at - t.at"},
         "evidence": ["t"],
         "message": {"fr": "Candidat {t.candidate}, {delay}.", "en": "Candidate {t.candidate}, {delay}."},
         "examples": [{"name": "sans contrôle", "expect": "fire", "count": 1,
                       "as_of": "2026-04-30T00:00:00+02:00",
                       "events": [{"type": "test_started", "at": "2026-03-10T09:00:00+01:00",
                                   "test": "T1", "candidate": "C1"}]}]},
    ],
}

WAIVER_FILE = {"waivers": [
    {"session": "TP-1", "clause": "S3.1", "rule": "S3.1-identite-non-controlee",
     "justification": "Vu.", "accepted_by": "M. Lenoir", "expires": "2026-12-31"},
    {"session": "TP-2", "clause": "S2.3", "justification": "Vu.", "accepted_by": "M. Lenoir",
     "expires": "2026-12-31"},
]}

TRICKY_TEXT = ["", " ", "end.at", "t.at", "at <= t.at + 15 days", "at > t.at + 99999999999999999999 days",
               "candidate == t.candidate", "S3.1", "S9", "test_started", "identity_checked", "{t.candidate}",
               "{", "}", "{0}", "%", "é", "Zoé\u0301", "🙂", "\t", "a\nb", "0170", "1_0", "on", "2026-13-45",
               "fire", "pass", "violation", "derive", "match", "absent", "where", "__end__", "sid", "ses"]
scalars = (st.none() | st.booleans()
           | st.integers(-(10**30), 10**30)
           | st.sampled_from([0, -1, 2**31, 2**63, 10**4000])
           | st.floats()
           | st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
           | st.sampled_from(TRICKY_TEXT))
keys = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.integers(-5, 5) | st.booleans()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(keys, inner, max_size=4), max_leaves=12)


def _deep(depth: int) -> Any:
    node: Any = "x"
    for i in range(depth):
        node = [node] if i % 2 else {"k": node}
    return node


anything = values | st.integers(10, 80).map(_deep)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for key, child in node.items():
            out += _paths(child, path + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            out += _paths(child, path + (index,))
    return out


def _mutate(data, doc: Any, n: int) -> Any:
    """Up to ``n`` edits: replace a node, drop a key or an item, add a key."""
    import copy
    doc = copy.deepcopy(doc)
    for _ in range(n):
        path = data.draw(st.sampled_from(_paths(doc)))
        action = data.draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        if not path:
            if action == "replace":
                doc = data.draw(anything)
            continue
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        if action == "replace":
            parent[last] = data.draw(anything)
        elif action == "drop":
            del parent[last]
        elif isinstance(parent[last], dict):
            parent[last][data.draw(keys | st.sampled_from(["when", "event", "clause", "rule", "id"]))] = \
                data.draw(anything)
    return doc


def _write(tmp_path_factory, name: str, doc: Any):
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _assert_named(error: ComplianceError, path) -> None:
    problems = error.problems if isinstance(error, ProblemList) else (error,)
    for problem in problems:
        assert problem.location is not None and problem.location.file == str(path), str(problem)
        assert isinstance(problem.location.line, int) and problem.location.line >= 1, str(problem)
        assert str(problem).startswith(f"{path}:{problem.location.line}")
        assert "\n" not in str(problem).replace("\\n", "")


def test_the_skeletons_are_valid(tmp_path_factory):
    """Without mutation the fuzzers start from files that load: edits are what they test."""
    rulebook = load_rule_files([_write(tmp_path_factory, "S3-fuzz.yaml", RULE_FILE)])
    assert {r.id for r in rulebook.rules} == {"seance-vue", "S3.1-fuzz"}
    assert len(load_waivers(_write(tmp_path_factory, "w.yaml", WAIVER_FILE))) == 2


@given(st.data(), st.integers(1, 3))
def test_structured_rule_files_load_or_name_file_and_line(tmp_path_factory, data, edits):
    path = _write(tmp_path_factory, "S3-fuzz.yaml", _mutate(data, RULE_FILE, edits))
    try:
        rulebook = load_rule_files([path])
    except (ProblemList, RulebookError, InputError) as error:
        _assert_named(error, path)
        return
    compiler.compile_rulebook(rulebook)      # what loads also compiles


@given(st.data(), st.integers(1, 3))
def test_structured_waiver_files_load_or_name_file_and_line(tmp_path_factory, data, edits):
    path = _write(tmp_path_factory, "waivers.yaml", _mutate(data, WAIVER_FILE, edits))
    try:
        load_waivers(path, default_rulebook())
    except (ProblemList, InputError) as error:
        _assert_named(error, path)


@given(st.sampled_from(["event", "absent", "match", "where", "clause", "severity", "id", "evidence"]),
       st.sampled_from([["x"], {"a": 1}, [["x"]], {"x": [1]}, 10**30, None, True, 1.5]))
def test_a_name_replaced_by_a_collection_or_number_is_a_named_problem(tmp_path_factory, key, value):
    """The cases that used to give an unhashable-list traceback, tried systematically."""
    import copy
    doc = copy.deepcopy(RULE_FILE)
    check = doc["rules"][1]
    if key in ("event", "match", "where"):
        check["when"][0][key] = value
    elif key == "absent":
        check["when"][2][key] = value
    else:
        check[key] = value
    path = _write(tmp_path_factory, "S3-fuzz.yaml", doc)
    try:
        load_rule_files([path])
    except ProblemList as error:
        _assert_named(error, path)
    else:
        assert (key, value) == ("where", None)     # no condition at all is allowed
