"""The command line's own words in French and English (``--lang``): its usage errors, notes and
progress line. Lines keep one structure in both languages — ``what: expected …, got '…'`` /
``what : attendu …, reçu '…'`` — and the ``compliance: error:`` / ``compliance: note:`` tags
stay as they are, for scripts that grep them. Diagnostics of files (records, rules, waivers,
configuration) keep the words of the module that found them.
"""
from __future__ import annotations

from .errors import UsageError, shown


def usage(lang: str, subject: str, expected: tuple[str, str], got: object) -> UsageError:
    """A usage error in ``lang``: ``expected`` is (French, English)."""
    if lang == "fr":
        return UsageError(f"{subject} : attendu {expected[0]}, reçu {shown(got)}")
    return UsageError(subject, expected=expected[1], got=got)


def unused_waiver(lang: str, where: str, session: str, clause: str) -> str:
    if lang == "fr":
        return (f"compliance: note: {where}: dérogation pour la session '{session}' ({clause}) : "
                "ne correspond à aucune session vérifiée, inutilisée")
    return f"compliance: note: {where}: waiver for session '{session}' ({clause}) matches no session checked: unused"


def no_such_session(lang: str, session: str, paths: str) -> str:
    if lang == "fr":
        return f"--session {session} : aucune session de ce nom dans {paths}"
    return f"--session {session}: no such session in {paths}"


def _number(value: float, lang: str) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def progress(lang: str, done: int, total: int, sessions: int, rate: float, left: float) -> str:
    """The audit's progress line on a terminal."""
    if lang == "fr":
        return (f"{done}/{total} fichiers · {_number(sessions, lang)} sessions · {_number(rate, lang)} sessions/s · "
                f"{_number(left, lang)} s restantes")
    return (f"{done}/{total} files · {_number(sessions, lang)} sessions · {_number(rate, lang)} sessions/s · "
            f"{_number(left, lang)} s left")
