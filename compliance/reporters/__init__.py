"""Reporters: pure functions ``Report(s) -> str``. They never check anything or call the engine."""
from __future__ import annotations

from .html import render_html
from .json import render_json
from .junit import render_junit
from .markdown import render_markdown
from .sarif import render_sarif
from .table import render_csv, render_sessions_csv
from .text import render_text

REPORTERS = {"text": render_text, "json": render_json, "markdown": render_markdown,
             "html": render_html, "sarif": render_sarif, "junit": render_junit,
             "csv": render_csv, "csv-sessions": render_sessions_csv}

__all__ = ["REPORTERS", "render_csv", "render_html", "render_json", "render_junit", "render_markdown",
           "render_sarif", "render_sessions_csv", "render_text"]
