"""Bytes on disk to text and back: encodings, BOM, line endings, size limits."""

from dataclasses import dataclass

from newsdesk.content.diagnostics import Diagnostic

_BOM = b"\xef\xbb\xbf"
# Control characters other than tab, newline, carriage return, form feed and
# escape: a text file has almost none, a binary file has many.
_CONTROL = bytes([*range(0x00, 0x09), 0x0B, 0x0E, 0x0F, *range(0x10, 0x1B), *range(0x1C, 0x20)])


@dataclass(frozen=True, slots=True)
class SourceText:
    """A file's text with `\\n` line ends, and what is needed to write it back."""

    text: str
    encoding: str
    bom: bool
    newline: str

    def encode(self, text: str) -> bytes:
        """Text (with `\\n` line ends) as bytes in this file's original form."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        data = text.encode(self.encoding)
        return _BOM + data if self.bom else data


def decode(data: bytes, max_bytes: int) -> tuple[SourceText | None, list[Diagnostic]]:
    """Decode a Markdown file, or say why it cannot be read as text."""
    if len(data) > max_bytes:
        return None, [
            Diagnostic(
                "file-too-large",
                f"file is {len(data):,} bytes, over the limit of {max_bytes:,} bytes",
                fix="split the article, or raise content.max_file_kb in newsdesk.toml",
            )
        ]
    bom = data.startswith(_BOM)
    body = data[3:] if bom else data
    if not body.strip():
        return None, [
            Diagnostic("file-empty", "file is empty", fix="write the article or delete it")
        ]
    if b"\x00" in body[:8192] or _control_ratio(body[:8192]) > 0.05:
        return None, [
            Diagnostic(
                "file-binary",
                "file looks binary, not Markdown text",
                fix="move it out of the content folder",
            )
        ]
    diagnostics: list[Diagnostic] = []
    try:
        text = body.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as error:
        try:
            text = body.decode("gb18030")
            encoding = "gb18030"
        except UnicodeDecodeError:
            line, col = _position(body, error.start)
            return None, [
                Diagnostic(
                    "encoding-invalid",
                    "file is neither UTF-8 nor GB18030 text",
                    line,
                    col,
                    fix="save the file as UTF-8",
                )
            ]
        line, col = _position(body, error.start)
        diagnostics.append(
            Diagnostic(
                "encoding-gb18030",
                "file is not UTF-8; read it as GB18030 (GBK)",
                line,
                col,
                fix="save the file as UTF-8",
            )
        )
    newline = "\r\n" if "\r\n" in text else "\n"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceText(text, encoding, bom, newline), diagnostics


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _CONTROL))) / len(sample)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and byte column of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1
