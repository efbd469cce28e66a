"""Evidence files: what an upload may be, how its name is made safe, and the API's view of one.

A handover is only as good as its evidence, and evidence comes from people's laptops: names with
paths, control characters or right-to-left tricks, and files whose extension says one thing while
their bytes say another. So a file is accepted only when its extension is on the allow-list AND
its first bytes look like that kind of file. Pure rules, no I/O: the web layer streams the bytes
and asks these functions for a verdict.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel

MAX_FILENAME_CHARS = 200
# How much of the start of a file the type check looks at; every signature below fits in it.
SNIFF_BYTES = 8192

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of legacy Office files and Outlook .msg
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # zip, and so docx/xlsx/pptx
_TEXT_CONTROLS_ALLOWED = frozenset("\t\n\r\f")
_HEADER_LINE = re.compile(r"^[!-9;-~]+:")  # an RFC 5322 header field name followed by a colon


def _decodes_as_text(head: bytes, complete: bool) -> str | None:
    """The head as text if it is UTF-8 (BOM or not), UTF-16 with a BOM, or GB18030 (what Chinese
    Excel and Notepad save); None for binary. ``complete`` is False when the file goes on past
    ``head``, so a multi-byte character cut at the end is not mistaken for binary."""
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for encoding in ["utf-16"] if utf16 else ["utf-8-sig", "gb18030"]:
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
        except UnicodeDecodeError:
            continue
        if not any(unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS_ALLOWED for ch in text):
            return text
    return None


def _is_text(head: bytes, complete: bool) -> bool:
    return _decodes_as_text(head, complete) is not None


def _is_email(head: bytes, complete: bool) -> bool:
    """A saved e-mail (.eml) is text that opens with a header line such as ``From:``."""
    text = _decodes_as_text(head, complete)
    first_line = next((line for line in (text or "").splitlines() if line.strip()), "")
    return bool(_HEADER_LINE.match(first_line))


def _starts(*signatures: bytes) -> Callable[[bytes, bool], bool]:
    return lambda head, _complete: head.startswith(signatures)


def _is_webp(head: bytes, _complete: bool) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

# extension → (content type we store and serve, check of the file's first bytes)
EVIDENCE_TYPES: dict[str, tuple[str, Callable[[bytes, bool], bool]]] = {
    "pdf": ("application/pdf", _starts(b"%PDF-")),
    "png": ("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    "gif": ("image/gif", _starts(b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", _is_webp),
    "txt": ("text/plain", _is_text),
    "csv": ("text/csv", _is_text),
    "doc": ("application/msword", _starts(_OLE2)),
    "xls": ("application/vnd.ms-excel", _starts(_OLE2)),
    "ppt": ("application/vnd.ms-powerpoint", _starts(_OLE2)),
    "docx": (_WORD, _starts(*_ZIP)),
    "xlsx": (_EXCEL, _starts(*_ZIP)),
    "pptx": (_POWERPOINT, _starts(*_ZIP)),
    "zip": ("application/zip", _starts(*_ZIP)),
    "eml": ("message/rfc822", _is_email),
    "msg": ("application/vnd.ms-outlook", _starts(_OLE2)),
}


def sanitise_filename(raw: str) -> str:
    """The name to keep and show: the last path segment (``/`` or ``\\``), without control or
    invisible format characters (a right-to-left override can make ``x.exe`` read as a PDF), without
    leading dots, at most 200 characters with the extension kept. Chinese names stay as they are.
    The name never becomes a path on disk (content is stored by hash); this is about what people see."""
    name = unicodedata.normalize("NFC", raw)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = name.strip().lstrip(".").strip()
    if len(name) > MAX_FILENAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) < 16:
            name = stem[: MAX_FILENAME_CHARS - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_FILENAME_CHARS]
    return name


def extension_of(filename: str) -> str | None:
    """The lower-case extension when it is on the allow-list, else None."""
    stem, dot, extension = filename.rpartition(".")
    extension = extension.lower()
    return extension if dot and stem and extension in EVIDENCE_TYPES else None


def sniffed_content_type(extension: str, head: bytes, *, complete: bool) -> str | None:
    """The content type to store when the first bytes match the extension's kind, else None."""
    content_type, looks_right = EVIDENCE_TYPES[extension]
    return content_type if head and looks_right(head[:SNIFF_BYTES], complete) else None


def allowed_extensions() -> list[str]:
    return sorted(EVIDENCE_TYPES)


class AttachmentOut(BaseModel):
    id: int
    filename: str
    size: int
    sha256: str
    content_type: str
    task_id: str | None = None
    uploaded_by: int
    created_at: datetime


class AttachmentList(BaseModel):
    items: list[AttachmentOut]
    total: int
