"""Runs every rule's embedded examples on the real engine, like a test runner."""
from __future__ import annotations

import datetime as dt

import attrs

from .checker import Checker
from .rulebook import Check, Expect, Rulebook


@attrs.frozen
class ExampleResult:
    rule: str
    example: str
    expect: Expect
    fired: int
    ok: bool
    file: str
    line: int | None

    def describe(self) -> str:
        want = "fire" if self.expect is Expect.FIRE else "not fire"
        return f"{self.file}:{self.line}: rule '{self.rule}', example '{self.example}': expected to {want}, fired {self.fired} time(s)"


def run_examples(rulebook: Rulebook, rules: list[Check] | None = None) -> list[ExampleResult]:
    """Check each example: ``fire`` needs at least one finding of its rule (``count`` exactly),
    ``pass`` needs none. The whole rule base runs, so derivations take part."""
    results: list[ExampleResult] = []
    for rule in rules or rulebook.checks:
        for example in rule.examples:
            checker = Checker(rulebook)
            checker.extend(example.events)
            last = max((e.at for e in example.events), default=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
            report = checker.finish(example.as_of or last)
            fired = sum(1 for f in report.findings if f.rule == rule.id)
            if example.expect is Expect.FIRE:
                ok = fired >= 1 if example.count is None else fired == example.count
            else:
                ok = fired == 0
            results.append(ExampleResult(rule.id, example.name, example.expect, fired, ok, rule.file,
                                         example.line))
    return results
