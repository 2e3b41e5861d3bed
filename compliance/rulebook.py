"""Rule files and the clause catalogue → a validated, immutable ``Rulebook``.

Rule files are YAML data, loaded safely (``_yaml``), never evaluated. This module reads the
files: the catalogue (``catalogue``), each rule file's section and title, each rule node (read by
``_rule_reader``), overrides by id, and the order in which derivations are read (each once the
types it matches are known). Every problem is collected with its file and line, then raised once.
The language is documented in ``docs/rules.md``. This module knows nothing of durable_rules.

The values it builds (``Check``, ``Derivation``, ``Rulebook``…) live in ``rule_model``.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Iterable

from ._problems import Problems, printable
from ._rule_reader import MAX_EXAMPLE_COUNT, MAX_UNCONSTRAINED_JOINS, matched_types, read_rule
from ._yaml import YamlError, YamlList, YamlMap, load_yaml
from .catalogue import CitedText, Clause, read_catalogue, read_texts
from .errors import InputError, Location, did_you_mean
from .model import Text
from .rule_model import (END, Certainty, Check, Derivation, Example, Expect, Pattern, Reference, Rule,
                         Rulebook, Value, unconstrained)
from .vocabulary import FieldKinds, vocabulary

__all__ = ["END", "MAX_EXAMPLE_COUNT", "MAX_UNCONSTRAINED_JOINS", "Certainty", "Check", "Clause",
           "Derivation", "Example", "Expect", "Pattern", "Reference", "Rule", "Rulebook", "Value",
           "default_rules_dir", "load_rule_files", "load_rulebook", "printable", "unconstrained"]

_UNREADABLE = object()   # what _Loader.read returns once it has reported why
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")          # whole text (fullmatch)
_RawRule = tuple[str, YamlMap, bool]                      # (file, rule node, from an override directory)


def default_rules_dir() -> Path:
    """The rule base shipped with the package: ``compliance/_rules`` in an installed wheel,
    ``rules/`` beside the package in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if (candidate / "clauses.yaml").is_file():
            return candidate
    return here.parent / "rules"


def load_rulebook(*directories: str | Path) -> Rulebook:
    """Load the default rule base, then each extra directory (whose rules override by id).

    Raises:
        ProblemList: of RulebookError, each with file and line; all problems are collected.
    """
    dirs = [default_rules_dir(), *map(Path, directories)]
    loader = _Loader()
    loader.load_catalogue(dirs[0] / "clauses.yaml")
    for directory in dirs:
        if not directory.is_dir():
            loader.problems.add(Location(str(directory)), "rule directory not found")
            continue
        files = sorted(p for p in directory.glob("*.yaml") if p.name != "clauses.yaml")
        loader.load_files(files, override=directory != dirs[0])
        if directory == dirs[0]:
            loader.check_section_titles(directory)
    return loader.finish()


CATALOGUE = "clauses.yaml"


def load_rule_files(paths: Iterable[str | Path]) -> Rulebook:
    """Load exactly these rule files over the default catalogue (``rules lint``); a catalogue
    among them (a file named ``clauses.yaml``) is checked as the catalogue, and used."""
    files = [Path(p) for p in paths]
    catalogues = [p for p in files if p.name == CATALOGUE]
    loader = _Loader()
    loader.load_catalogue(catalogues[-1] if catalogues else default_rules_dir() / CATALOGUE)
    loader.load_files([p for p in files if p.name != CATALOGUE], override=False)
    return loader.finish()


class _Loader:
    def __init__(self) -> None:
        self.problems = Problems()
        self.clauses: dict[str, Clause] = {}
        self.texts: dict[str, CitedText] = {}
        self.settings: dict[str, Any] = {}
        self.sections: dict[str, tuple[Text, str, bool]] = {}   # section -> (title, file, override)
        self.raw_rules: list[_RawRule] = []
        self.digest = hashlib.sha256()

    def read(self, path: Path) -> Any:
        from .readers import read_bytes     # never blocks on a FIFO named like a rule file
        try:
            data = read_bytes(path)
        except InputError as error:
            self.problems.add(Location(str(path)), error.message)
            return _UNREADABLE
        self.digest.update(path.name.encode() + b"\0" + data + b"\0")
        try:
            return load_yaml(data.decode("utf-8"))
        except UnicodeDecodeError:
            self.problems.add(Location(str(path)), "not UTF-8 text")
        except YamlError as error:
            self.problems.add(Location(str(path), error.line, error.column), f"YAML: {error.message}")
        return _UNREADABLE

    def load_catalogue(self, path: Path) -> None:
        doc = self.read(path)
        if doc is not _UNREADABLE:
            self.clauses, self.settings = read_catalogue(str(path), doc, self.problems)
            self.texts = read_texts(str(path), doc, self.problems)

    # -- rule files
    def load_files(self, files: list[Path], *, override: bool) -> None:
        for path in files:
            doc = self.read(path)
            if doc is not _UNREADABLE:
                self.load_file(str(path), doc, override)

    def load_file(self, file: str, doc: Any, override: bool) -> None:
        if doc is None:
            self.problems.add(Location(file, 1), "empty rule file", expected="a mapping with 'section' and 'rules'")
            return
        if not isinstance(doc, YamlMap):
            self.problems.add(Location(file, getattr(doc, "line", 1)), "rule file",
                              expected="a mapping with 'section', 'title' and 'rules'", got=doc)
            return
        if not self.problems.closed(file, doc, {"section", "rules"}, {"title", "sources"}, "rule file"):
            return
        if self.check_section(file, doc) and "title" in doc:
            self.read_section_title(file, doc, override)
        rules = doc["rules"]
        if not isinstance(rules, YamlList):
            self.problems.add(Location(file, doc.line_of("rules")), "'rules'", expected="a list", got=rules)
            return
        for line, node in zip(rules.item_lines, rules):
            if not isinstance(node, YamlMap):
                self.problems.add(Location(file, line), "rule", expected="a mapping", got=node)
                continue
            self.raw_rules.append((file, node, override))

    def check_section(self, file: str, doc: YamlMap) -> bool:
        sections = sorted({c.section for c in self.clauses.values()})
        section = doc["section"]
        if sections and (not isinstance(section, str) or section not in sections):
            self.problems.add(Location(file, doc.line_of("section")), "unknown 'section'",
                              expected="a section of the clause catalogue: " + ", ".join(sections),
                              got=section, hint=did_you_mean(str(section), sections))
            return False
        return isinstance(section, str)

    def read_section_title(self, file: str, doc: YamlMap, override: bool) -> None:
        """A section's title is its rule file's; two shipped files may not title it differently
        (an override directory may retitle it)."""
        section = doc["section"]
        title = self.problems.text(file, doc, "title", "rule file")
        if title is None:
            return
        previous = self.sections.get(section)
        if previous is not None and previous[0] != title and not (override and not previous[2]):
            self.problems.add(Location(file, doc.line_of("title")), f"section '{section}' titled differently",
                              expected=f"the title given in {previous[1]}", got=title.fr)
            return
        self.sections[section] = (title, file, override)

    def check_section_titles(self, directory: Path) -> None:
        """Every section of the catalogue needs a title from a shipped rule file."""
        for section in sorted({c.section for c in self.clauses.values()} - set(self.sections)):
            self.problems.add(Location(str(directory)), f"section '{section}' has no title",
                              expected=f"a rule file with 'section: {section}' and 'title: {{fr, en}}'")

    # -- final pass
    def finish(self) -> Rulebook:
        by_id = self.rules_by_id()
        derived: dict[str, FieldKinds] = {}
        rules = self.read_derivations([item for item in by_id.values() if "derive" in item[1]], derived)
        vocab = vocabulary(derived)
        for file, node, _override in by_id.values():
            if "derive" not in node:
                rule = read_rule(self.problems, self.clauses, file, node, vocab, derived, self.texts, self.settings)
                if rule is not None:
                    rules.append(rule)
        self.problems.raise_if_any()
        rules.sort(key=lambda r: (isinstance(r, Check), r.id))
        return Rulebook(clauses=tuple(self.clauses.values()), rules=tuple(rules),
                        fingerprint=self.digest.hexdigest()[:16], settings=tuple(sorted(self.settings.items())),
                        sections={section: title for section, (title, _, _) in sorted(self.sections.items())})

    def rules_by_id(self) -> dict[str, _RawRule]:
        """Each rule id once: a later file may replace a shipped rule only from an override directory."""
        by_id: dict[str, _RawRule] = {}
        for file, node, override in self.raw_rules:
            rule_id = node.get("id")
            if not isinstance(rule_id, str) or not _ID.fullmatch(rule_id):
                self.problems.add(Location(file, node.line), "rule 'id'",
                                  expected="a slug of letters, digits, '.', '_' or '-'", got=rule_id)
                continue
            if rule_id in by_id and not (override and not by_id[rule_id][2]):
                self.problems.add(Location(file, node.line_of("id")), f"duplicate rule id '{rule_id}'",
                                  hint=f"first defined in {by_id[rule_id][0]}:{by_id[rule_id][1].line}")
                continue
            by_id[rule_id] = (file, node, override)
        return by_id

    def read_derivations(self, pending: list[_RawRule], derived: dict[str, FieldKinds]) -> list[Rule]:
        """Derivations first, each once the types it matches are known (a derivation may match
        another's facts): the facts they assert are types that checks may match."""
        rules: list[Rule] = []
        while pending:
            vocab = vocabulary(derived)
            ready = [item for item in pending if matched_types(item[1]) <= set(vocab)]
            batch = ready or pending          # no progress: read them all, reporting unknowns
            for item in batch:
                pending.remove(item)
                rule = read_rule(self.problems, self.clauses, item[0], item[1], vocabulary(derived), derived, self.texts)
                if rule is not None:
                    rules.append(rule)
        return rules

