"""Configuration file: the options of ``check`` and ``audit`` a project sets once.

Found as ruff finds its own: from the current directory up to the root, the first directory
holding a ``compliance.toml`` (its top-level keys) or a ``pyproject.toml`` with a
``[tool.compliance]`` table (a ``pyproject.toml`` without one is passed over); ``--config FILE``
names one instead, ``--no-config`` reads none. Keys::

    rules = ["local-rules"]      # extra rule directories, relative to the file's directory
    waivers = "waivers.yaml"     # relative to the file's directory
    lang = "fr"                  # fr | en
    fail-on = "violation"        # violation | warning | never
    format = "text"              # any --format value

A flag given on the command line wins over the file; the file wins over the built-in default.
An unknown key, a value of the wrong type or invalid TOML is one line naming the file (and its
line where it can be found), the key and what was expected: exit 2.
"""
from __future__ import annotations

import argparse
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Callable

from .errors import InputError, UsageError, did_you_mean, shown

CONFIG_NAME = "compliance.toml"
PYPROJECT = "pyproject.toml"
DEFAULTS: dict[str, Any] = {"format": "text", "lang": "fr", "fail_on": "violation", "rules": [], "waivers": None}


class ConfigError(UsageError):
    """The configuration file cannot be used as written."""


def _choice(*allowed: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if isinstance(value, str) and value in allowed else "one of " + ", ".join(allowed)
    return check


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value else "a non-empty string (a path)"


def _texts(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    return None if ok else "a list of non-empty strings (directories)"


def _formats() -> tuple[str, ...]:
    from .audit_output import FORMATS
    return (*FORMATS, "md")


# key as written -> (attribute of the parsed arguments, what it must be)
KEYS: dict[str, tuple[str, Callable[[Any], str | None]]] = {
    "rules": ("rules", _texts), "waivers": ("waivers", _text), "lang": ("lang", _choice("fr", "en")),
    "fail-on": ("fail_on", _choice("violation", "warning", "never")),
    "format": ("format", lambda v: _choice(*_formats())(v)),
}


def find_config(start: Path) -> Path | None:
    """The configuration file that applies in ``start``: the nearest up the tree, or None."""
    for directory in (start, *start.parents):
        own = directory / CONFIG_NAME
        if own.is_file():
            return own
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def _has_table(pyproject: Path) -> bool:
    # a quick look first: most pyproject.toml files are not ours, and need not be valid for us
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[\s*tool\s*\.\s*compliance\s*\]", text, re.MULTILINE) is not None


def load_config(path: Path) -> dict[str, Any]:
    """The options the file sets, as argument attributes (paths made relative to the caller's
    directory). Raises ConfigError."""
    shown_path = str(path)
    from .readers import read_bytes     # never blocks on a FIFO; says why a file cannot be read
    if not path.exists() and not path.is_symlink():
        raise ConfigError(f"{shown_path}: no such configuration file")
    try:
        text = read_bytes(path).decode("utf-8")
    except InputError as error:
        raise ConfigError(f"{shown_path}: {error.message.replace('the file', 'the configuration file')}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown_path}: not UTF-8 text", expected="a UTF-8 TOML file") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        where = f"{shown_path}:{at.group(1)}:{at.group(2)}" if at else shown_path
        message = str(error).split(" (at ")[0]
        raise ConfigError(f"{where}: invalid TOML ({message})") from None
    is_pyproject = path.name == PYPROJECT
    table = document.get("tool", {}).get("compliance", {}) if is_pyproject else document
    section = "[tool.compliance] " if is_pyproject else ""
    if not isinstance(table, dict):
        raise ConfigError(f"{shown_path}: {section.strip() or 'the file'}", expected="a table", got=table)
    base = path.parent
    settings: dict[str, Any] = {}
    for key, value in table.items():
        where = _where(shown_path, text, key, is_pyproject)
        if key not in KEYS:
            raise ConfigError(f"{where}: {section}unknown key {shown(key)}",
                              expected="one of " + ", ".join(KEYS), hint=did_you_mean(key, list(KEYS)))
        attribute, check = KEYS[key]
        expected = check(value)
        if expected is not None:
            raise ConfigError(f"{where}: {section}{key}", expected=expected, got=value)
        settings[attribute] = _relative(base, value, attribute)
    return settings


def _relative(base: Path, value: Any, attribute: str) -> Any:
    """Paths in the file are relative to its directory; shown as the caller would write them."""
    def resolve(name: str) -> str:
        full = base / name
        try:
            return os.path.relpath(full)
        except ValueError:          # another drive (Windows)
            return str(full)
    if attribute == "rules":
        return [resolve(v) for v in value]
    if attribute == "waivers":
        return resolve(value)
    return value


def _where(file: str, text: str, key: str, in_pyproject: bool) -> str:
    """``file:line`` of the key's line where it can be found, else the file."""
    lines = text.splitlines()
    start = 0
    if in_pyproject:
        start = next((i + 1 for i, line in enumerate(lines)
                      if re.match(r"\s*\[\s*tool\s*\.\s*compliance\s*\]", line)), 0)
    pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number in range(start, len(lines)):
        if in_pyproject and number > start and lines[number].lstrip().startswith("["):
            break
        if pattern.match(lines[number]):
            return f"{file}:{number + 1}"
    return file


def apply_config(args: argparse.Namespace, cwd: Path | None = None) -> Path | None:
    """Fill the options no flag gave from the configuration file, then the built-in defaults.
    Returns the file read, if any."""
    path: Path | None = None
    if getattr(args, "config", None):
        if getattr(args, "no_config", False):
            raise UsageError("--config", expected="either --config FILE or --no-config", got="both")
        path = Path(args.config)
    elif not getattr(args, "no_config", False):
        path = find_config(cwd or Path.cwd())
    settings = load_config(path) if path is not None else {}
    for attribute, default in DEFAULTS.items():
        if getattr(args, attribute, None) is None:
            setattr(args, attribute, settings.get(attribute, default))
    return path
