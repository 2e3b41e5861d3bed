"""Configuration file: placeholder filled below."""
from __future__ import annotations

import argparse

DEFAULTS: dict[str, object] = {"format": "text", "lang": "fr", "fail_on": "violation", "rules": [], "waivers": None}


def apply_config(args: argparse.Namespace) -> None:
    for key, value in DEFAULTS.items():
        if getattr(args, key, None) is None:
            setattr(args, key, value)
