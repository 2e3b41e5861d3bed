"""Safe YAML loading that remembers lines. Nothing else in the package imports yaml.

* Only YAML's safe subset is constructed: no Python objects, no tags that run code.
* Aliases and anchors are refused outright (no "billion laughs"), nesting depth is capped,
  duplicate keys are errors, and dates stay text (the readers parse time themselves).
* Mappings and sequences come back as ``YamlMap``/``YamlList``: a dict and a list that also know
  the line where they start and, for a mapping, the line of each key, so that errors can name it.
"""
from __future__ import annotations

from typing import Any

import yaml


MAX_DEPTH = 64


class YamlError(ValueError):
    """The text is not acceptable YAML; ``line``/``column`` are 1-based where known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class YamlMap(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list):
    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    """SafeLoader without aliases, without implicit timestamps, with depth and duplicate checks."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlError("aliases (*name) are not allowed", event.start_mark.line + 1,
                            event.start_mark.column + 1)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise YamlError("anchors (&name) are not allowed", event.start_mark.line + 1,
                            event.start_mark.column + 1)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# Dates and times stay strings: only our own time module interprets them.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> YamlMap:
    result = YamlMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise YamlError("mapping keys must be plain scalars", key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1)
        if key in result:
            raise YamlError(f"duplicate key '{key}'", key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_list(loader: _Loader, node: yaml.SequenceNode) -> YamlList:
    result = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_list)


def load_yaml(text: str) -> Any:
    """Parse one YAML document from text.

    Raises:
        YamlError: with the line and column of the problem.
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except YamlError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = error.problem or error.context or "invalid YAML"
        raise YamlError(what, mark.line + 1 if mark else None,
                        mark.column + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise YamlError(str(error).splitlines()[0]) from None
    except RecursionError:
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels") from None
