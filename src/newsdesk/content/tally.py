"""Diagnostics counted by code, for a report of a whole site that fits on a screen."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newsdesk.content.diagnostics import Diagnostic, Severity

SEVERITY_ORDER: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass
class CodeTally:
    """Every finding of one code: how many, in how many files, and the first few."""

    code: str
    severity: Severity
    count: int = 0
    files: set[str] = field(default_factory=set)
    examples: list[tuple[str, Diagnostic]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "count": self.count,
            "files": len(self.files),
            "examples": [
                {"path": path, "line": d.line, "col": d.col, "message": d.message}
                for path, d in self.examples
            ],
        }


def tally(findings: Iterable[tuple[str, Diagnostic]], examples: int) -> list[CodeTally]:
    """Findings (path, diagnostic) counted by code, with the first `examples` of each
    in the order given; errors first, then warnings, then infos, each by count
    (the most frequent first) and then by code."""
    by_code: dict[str, CodeTally] = {}
    for path, diagnostic in findings:
        entry = by_code.get(diagnostic.code)
        if entry is None:
            entry = by_code[diagnostic.code] = CodeTally(diagnostic.code, diagnostic.severity)
        entry.count += 1
        entry.files.add(path)
        if len(entry.examples) < examples:
            entry.examples.append((path, diagnostic))
    return sorted(
        by_code.values(), key=lambda t: (SEVERITY_ORDER.index(t.severity), -t.count, t.code)
    )
