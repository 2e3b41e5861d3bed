"""Fixed words of the reports, French first."""

LABELS = {
    "fr": {
        "session": "Session", "source": "Source", "as_of": "Date d'audit", "tool": "Outil",
        "rulebook": "Base de règles", "events": "événements", "clauses": "Clauses",
        "findings": "Constats", "evidence": "Preuves", "values": "Valeurs", "none": "Aucun constat.",
        "summary": "{v} violation(s), {w} avertissement(s), {p} en attente",
        "rule": "règle",
    },
    "en": {
        "session": "Session", "source": "Source", "as_of": "Audit date", "tool": "Tool",
        "rulebook": "Rule base", "events": "events", "clauses": "Clauses",
        "findings": "Findings", "evidence": "Evidence", "values": "Values", "none": "No finding.",
        "summary": "{v} violation(s), {w} warning(s), {p} pending",
        "rule": "rule",
    },
}

STATUS = {
    "fr": {"compliant": "conforme", "violation": "VIOLATION", "warning": "avertissement",
           "pending": "en attente", "not_applicable": "sans objet", "waived": "dérogation"},
    "en": {"compliant": "compliant", "violation": "VIOLATION", "warning": "warning",
           "pending": "pending", "not_applicable": "not applicable", "waived": "waived"},
}

SEVERITY = {
    "fr": {"violation": "VIOLATION", "warning": "AVERTISSEMENT", "pending": "EN ATTENTE"},
    "en": {"violation": "VIOLATION", "warning": "WARNING", "pending": "PENDING"},
}
