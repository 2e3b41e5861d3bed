"""JUnit XML for CI dashboards: a test suite per session, a test case per clause.

A violation is a <failure>; a warning is a <failure type="warning"> as well (dashboards show it,
the exit code follows --fail-on); pending, not applicable and waived clauses are <skipped>.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Sequence

from ..model import Report
from ._labels import STATUS


def render_junit(reports: Sequence[Report], lang: str = "fr") -> str:
    root = ET.Element("testsuites", name="compliance")
    total = failures = skipped = 0
    for report in reports:
        suite = ET.SubElement(root, "testsuite", name=report.session, timestamp=report.as_of)
        s_failures = s_skipped = 0
        for c in report.clauses:
            section = c.clause.split(".")[0] if "." in c.clause else c.clause.rstrip("0123456789")
            case = ET.SubElement(suite, "testcase", classname=section, name=f"{c.clause} {c.title.get(lang)}")
            mine = [f for f in report.findings if f.clause == c.clause]
            status = c.status.value
            if status in ("violation", "warning"):
                s_failures += 1
                text = "\n".join(f"{f.message.get(lang)} [{', '.join(e.where() for e in f.evidence)}]"
                                 for f in mine if f.severity.value == status and not f.waived)
                failure = ET.SubElement(case, "failure", type=status,
                                        message=STATUS[lang][status])
                failure.text = text
            elif status in ("pending", "not_applicable", "waived"):
                s_skipped += 1
                ET.SubElement(case, "skipped", message=STATUS[lang][status])
        suite.set("tests", str(len(report.clauses)))
        suite.set("failures", str(s_failures))
        suite.set("errors", "0")
        suite.set("skipped", str(s_skipped))
        total += len(report.clauses)
        failures += s_failures
        skipped += s_skipped
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
