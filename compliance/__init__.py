"""compliance: checks that a Titre Professionnel exam session was run as the regulation says.

    >>> from compliance import check_session, read_path          # doctest: +SKIP
    >>> for session in read_path("examples/session-conforme.yaml"):  # doctest: +SKIP
    ...     report = check_session(session)
"""
__version__ = "0.1.0"

from .checker import Checker, check_session, default_rulebook  # noqa: E402
from .errors import (ComplianceError, EngineError, InputError, Location, ProblemList,  # noqa: E402
                     RulebookError, UsageError)
from .events import EVENT_TYPES, Event, parse_event  # noqa: E402
from .guidance import Guidance, Obligation  # noqa: E402
from .model import (ClauseStatus, Evidence, Finding, Report, Session, SessionInfo, Severity,  # noqa: E402
                    Status, Text, Waiver)
from .readers import read_path  # noqa: E402
from .reporters import REPORTERS  # noqa: E402
from .rulebook import Rulebook, load_rulebook  # noqa: E402
from .waivers import apply_waivers, load_waivers  # noqa: E402

__all__ = [
    "Checker", "check_session", "default_rulebook", "load_rulebook", "read_path", "parse_event",
    "Rulebook", "Session", "SessionInfo", "Event", "EVENT_TYPES", "Finding", "Evidence", "Report",
    "ClauseStatus", "Severity", "Status", "Text", "Location", "Waiver", "load_waivers", "apply_waivers",
    "Guidance", "Obligation",
    "REPORTERS",
    "ComplianceError", "RulebookError", "InputError", "UsageError", "EngineError", "ProblemList",
]
