"""Generates docs/events.md from the event classes, so the documentation cannot drift.

    python -m compliance._docgen > docs/events.md

tests/test_docs.py fails when the committed file differs from what this prints.
"""
from __future__ import annotations

import json

from . import events

INTRO = """# Events (vocabulary v{version})

A session record is a list of events. Every event has:

| field | meaning |
|---|---|
| `type` | one of the types below |
| `at` | when it happened: ISO 8601 **with its UTC offset** (`2026-03-10T09:00:00+01:00`); a time without offset is refused |
| `session` | the session id (given once at the top of a YAML/JSON record; on every line of a JSON Lines log) |
| `id` | unique within the session; defaults to `L<line>` (or the position) when absent |

Calendar days (`YYYY-MM-DD`, e.g. a habilitation's last day) are read in the session's time zone
(`session_planned.time_zone`, default `Europe/Paris`). Durations are whole minutes. Text is
Unicode (normalised to NFC). Unknown fields are errors.

*Declarations* describe the session as planned (they may sit in the record's `declarations`
header); the other events are acts observed on the day.

A record or a log may list events in any order: they are judged by their times. Live feeding
(`Checker.feed`) needs them in time order and refuses an event earlier than the last one.
Malformed events (D2) and reused ids (D4) are left out and reported; references to undeclared
candidates, jurors or tests (D3) and contradictions such as a test ending before it starts (D4)
are findings of the session.

## Two input forms

A JSON Lines log (`.jsonl`), one event per line, sessions interleaved:

```json
{{"type": "test_started", "at": "2026-03-10T09:00:00+01:00", "session": "TP-00417-2026-03-10", "test": "C1-MSP", "candidate": "C1"}}
```

A session record (`.yaml`, `.yml` or `.json`):

```yaml
session: TP-00417-2026-03-10
declarations:
  - {{type: session_planned, at: "2026-01-15T09:00:00+01:00", title: TP-00417, title_name: Cuisinier, centre: "Les Tilleuls", site: Villeurbanne, kind: titre}}
events:
  - {{type: session_opened, at: "2026-03-10T08:00:00+01:00"}}
```

## Event types
"""


def render_events_markdown() -> str:
    out = [INTRO.format(version=events.SCHEMA_VERSION)]
    for group, declaration in (("Declarations", True), ("Acts", False)):
        out.append(f"### {group}\n")
        for name, cls in events.EVENT_TYPES.items():
            if cls.DECLARATION != declaration:
                continue
            out.append(f"#### `{name}`\n\n{(cls.__doc__ or '').strip()}\n\n"
                       f"Reports: « {cls.LABEL.fr} » / \"{cls.LABEL.en}\".\n")
            specs = events.specific_fields(cls)
            if specs:
                out.append("| field | label (fr / en) | kind | required | meaning |\n|---|---|---|---|---|")
                for spec in specs:
                    kind = spec.kind + (f" ({' | '.join(spec.choices)})" if spec.choices else "")
                    required = "yes" if spec.required else (
                        "no (default: see meaning)" if spec.default is None and spec.kind != "time"
                        else "no" if spec.default is None
                        else f"no (default `{json.dumps(spec.default, ensure_ascii=False)}`)")
                    label = f"{spec.label.fr} / {spec.label.en}" if spec.label else ""
                    out.append(f"| `{spec.name}` | {label} | {kind} | {required} | {spec.doc} |")
                out.append("")
                for spec in specs:
                    if spec.words:
                        words = ", ".join(f"`{value}` « {w.fr} » / \"{w.en}\"" for value, w in spec.words.items())
                        out.append(f"In reports, `{spec.name}`: {words}.\n")
    out.append("## JSON Schema\n\nAlso printed by `compliance schema`.\n")
    out.append("```json\n" + json.dumps(events.json_schema(), ensure_ascii=False, indent=2) + "\n```\n")
    return "\n".join(out)


if __name__ == "__main__":
    print(render_events_markdown(), end="")
