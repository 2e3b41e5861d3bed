"""Reporters: pure functions ``Report(s) -> str``. They never check anything or call the engine."""
from __future__ import annotations

from .json import render_json
from .text import render_text

REPORTERS = {"text": render_text, "json": render_json}

__all__ = ["REPORTERS", "render_json", "render_text"]
