"""Working time of tests: what a test's start, pauses, resumes and end add up to.

The référentiel's durations are working time: a test may be paused (lunch, the evening) and an
MSP may run over several days, so the time from the first start to the end says nothing by
itself. This module folds each test's ``test_started``, ``test_paused``, ``test_resumed`` and
``test_ended`` events, in time order, into what rules read:

* on ``test_paused``, ``test_resumed`` and ``test_ended``: ``worked``, the seconds worked on the
  test from its first start up to that event, and ``paused``, the seconds it spent paused;
* one ``test_span`` fact per worked interval (start or resume to pause or end), carried by the
  event that closes it: ``test``, ``candidate``, ``from`` and ``until`` (instants). "During a
  test" means inside one of its spans, never during a pause.

Record contradictions (a resume while running, a pause after the end) are ignored here; the
record checks (D4) report them.
"""
from __future__ import annotations

from typing import Any

import attrs

from . import _time
from .events import Event, TestEnded, TestPaused, TestResumed, TestStarted

SPAN_TYPE = "test_span"
# The fields the fold adds, by type, with their kinds (``vocabulary`` publishes them to rules).
CLOCK_FIELDS = {name: {"worked": "duration", "paused": "duration"}
                for name in (TestPaused.TYPE, TestResumed.TYPE, TestEnded.TYPE)}
SPAN_FIELDS = {"at": "time", "session": "text", "id": "text", "test": "text", "candidate": "text",
               "from": "time", "until": "time"}
_TYPES = (TestStarted, TestPaused, TestResumed, TestEnded)


@attrs.define
class _Clock:
    worked: int = 0
    paused: int = 0
    running_since: int | None = None     # epoch seconds, while it runs
    paused_since: int | None = None      # while it is paused
    started_by: int | None = None        # index of the event that opened the running span


@attrs.define
class Reading:
    """What the fold adds for one event: fields of its own fact, and the span it closes."""
    fields: dict[str, int]
    span: dict[str, Any] | None = None   # test, candidate, from, until (epoch seconds), src


class WorkingTime:
    """Fold test events in time order (``observe``); one instance per session."""

    def __init__(self) -> None:
        self._clocks: dict[str, _Clock] = {}

    def observe(self, event: Event, index: int) -> Reading | None:
        """The reading for ``event`` (None for events that are not about a test's clock)."""
        if not isinstance(event, _TYPES):
            return None
        now = _time.epoch(event.at)
        clock = self._clocks.setdefault(event.test, _Clock())
        span = None
        if isinstance(event, (TestStarted, TestResumed)):
            if clock.running_since is None:
                if clock.paused_since is not None:
                    clock.paused += now - clock.paused_since
                    clock.paused_since = None
                clock.running_since, clock.started_by = now, index
        elif clock.running_since is not None:      # a pause or the end closes a worked span
            clock.worked += now - clock.running_since
            span = {"test": event.test, "candidate": event.candidate, "from": clock.running_since,
                    "until": now, "src": sorted({clock.started_by or 0, index})}
            clock.running_since = None
            if isinstance(event, TestPaused):
                clock.paused_since = now
        elif clock.paused_since is not None and isinstance(event, TestEnded):   # ended while paused
            clock.paused += now - clock.paused_since
            clock.paused_since = None
        if isinstance(event, TestStarted):
            return None
        return Reading({"worked": clock.worked, "paused": clock.paused}, span)

