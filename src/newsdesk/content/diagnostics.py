"""Diagnostics: what is wrong with an article, where, and what to do about it."""

from dataclasses import dataclass
from typing import Any, Literal

from newsdesk.content.compat import codes as compat_codes
from newsdesk.content.pickling import reduce_by_fields

Severity = Literal["error", "warning", "info"]

# Every code a diagnostic can carry, with its severity. docs/diagnostics.md
# documents each one; a test keeps the two in step.
CODES: dict[str, Severity] = {
    "file-empty": "warning",
    "file-binary": "error",
    "file-too-large": "error",
    "file-unreadable": "error",
    "encoding-invalid": "error",
    "encoding-gb18030": "warning",
    "frontmatter-unclosed": "error",
    "frontmatter-syntax": "error",
    "frontmatter-not-mapping": "error",
    "reply-without-article": "error",
    "duplicate-key": "warning",
    "frontmatter-salvaged": "warning",
    "unknown-field": "warning",
    "unknown-field-summary": "info",
    "invalid-value": "warning",
    "invalid-date": "warning",
    "date-from-mtime": "warning",
    "date-from-git": "info",
    "title-missing": "warning",
    "slug-collision": "warning",
    "missing-local-file": "warning",
    "missing-article-link": "warning",
    "image-unreadable": "warning",
    "image-mislabeled": "warning",
    "image-too-large": "warning",
    "redirect-clash": "warning",
    "summary-boilerplate": "info",
    # Repairs: each is also listed in the article's `repairs`.
    "reasoning-removed": "info",
    "reply-chatter": "info",
    "frontmatter-fence-unwrapped": "info",
    "frontmatter-fullwidth": "info",
    "tags-normalized": "info",
    "labels-lifted": "info",
    "document-fence-unwrapped": "info",
    "leading-blank-lines": "info",
    "frontmatter-indent": "info",
    "frontmatter-closer": "info",
    "frontmatter-closed": "warning",
    "frontmatter-tabs": "info",
    "frontmatter-value-quoted": "info",
    "provenance-description": "info",
    "body-fence-unwrapped": "info",
    "invisible-chars": "info",
    "heading-space": "info",
    "fence-closed": "warning",
    "duplicate-title-h1": "info",
    # Old generators' syntax converted to portable Markdown (content/compat/).
    **dict.fromkeys(compat_codes.REPAIRS, "info"),
    **dict.fromkeys(compat_codes.WARNINGS, "warning"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding at a 1-based line and column of the file on disk."""

    __reduce__ = reduce_by_fields

    code: str
    message: str
    line: int = 1
    col: int = 1
    fix: str = ""

    @property
    def severity(self) -> Severity:
        return CODES[self.code]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "col": self.col,
        }
        if self.fix:
            data["fix"] = self.fix
        return data


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)
