"""Evidence files: receiving an upload and keeping it, content-addressed, under the data dir.

An upload is parsed from the request stream as it arrives (python-multipart's streaming parser,
not ``request.form()``, which would first spool the whole body however large it is). The file's
bytes go to a hidden temporary file in the uploads dir while they are hashed and counted; the
upload is refused the moment it passes the size limit or its first bytes do not match its
extension, and the temporary file is removed. A complete file is synced and renamed atomically to
``uploads/<sha256[:2]>/<sha256>``: readers never see half a file, the same content is kept once,
and the uploads dir is never served directly (downloads go through a permission check, see
web/attachments/task_files.py).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect
from starlette.responses import FileResponse

from schemas.attachments import SNIFF_BYTES, extension_of, sanitise_filename, sniffed_content_type
from schemas.kernel.errors import N_, InvalidInput, NotFound
from schemas.task_errors import EmptyUpload, FileTypeNotAllowed, UnreadableUpload, UploadTooLarge

log = logging.getLogger("baton.attachments")

# Room for the multipart framing and small fields around the file; anything more is refused too.
FORM_OVERHEAD = 64 * 1024
MAX_PART_HEADER = 8 * 1024  # one part header line; real ones are a few hundred bytes
_SHA256 = re.compile(r"[0-9a-f]{64}")
MISSING_FILE = {"field": "file", "code": "missing", "message": N_("Choose a file to upload.")}


@dataclass(frozen=True)
class StoredFile:
    filename: str
    content_type: str
    size: int
    sha256: str


def blob_path(uploads_dir: Path, sha256: str) -> Path:
    """Where content with this hash lives; refuses anything but a hash, so no path can escape."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError("not a sha256 hex digest")
    return uploads_dir / sha256[:2] / sha256


class IncomingFile:
    """One file on its way into the store. Methods doing disk I/O are meant for a worker thread."""

    def __init__(self, uploads_dir: Path, raw_filename: str, max_bytes: int) -> None:
        self.filename = sanitise_filename(raw_filename)
        extension = extension_of(self.filename)
        if extension is None:
            raise FileTypeNotAllowed(details=[{"field": "file", "filename": self.filename}])
        self._extension, self._uploads_dir, self._max_bytes = extension, uploads_dir, max_bytes
        self._hash = hashlib.sha256()
        self._head = bytearray()
        self.size = 0
        self.content_type: str | None = None
        uploads_dir.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".incoming-", dir=uploads_dir)
        self._temp: Path | None = Path(name)
        self._file = os.fdopen(handle, "wb")

    def write(self, pieces: list[bytes]) -> None:
        for piece in pieces:
            self.size += len(piece)
            if self.size > self._max_bytes:
                raise UploadTooLarge(details=[{"field": "file", "limit_bytes": self._max_bytes}])
            if self.content_type is None and len(self._head) < SNIFF_BYTES:
                self._head += piece[: SNIFF_BYTES - len(self._head)]
                if len(self._head) >= SNIFF_BYTES:
                    self.content_type = self._checked_type(complete=False)
            self._hash.update(piece)
            self._file.write(piece)

    def keep(self) -> StoredFile:
        """Sync and move the file into place (or drop it when that content is already stored)."""
        if self.size == 0:
            raise EmptyUpload(details=[{"field": "file", "filename": self.filename}])
        content_type = self.content_type or self._checked_type(complete=True)
        if self._temp is None:
            raise RuntimeError("this upload was already kept or discarded")
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        digest = self._hash.hexdigest()
        target = blob_path(self._uploads_dir, digest)
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            self._temp.unlink()
        else:
            os.replace(self._temp, target)
        self._temp = None
        return StoredFile(filename=self.filename, content_type=content_type, size=self.size, sha256=digest)

    def discard(self) -> None:
        """Remove the temporary file; harmless after :meth:`keep` and when called twice."""
        self._file.close()
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None

    def _checked_type(self, *, complete: bool) -> str:
        content_type = sniffed_content_type(self._extension, bytes(self._head), complete=complete)
        if content_type is None:
            raise FileTypeNotAllowed(details=[{"field": "file", "filename": self.filename}])
        return content_type


class _MultipartUpload:
    """Routes the ``file`` part of a multipart body into an :class:`IncomingFile`, skipping other
    parts. The parser's callbacks only record events; :meth:`feed` acts on them in order."""

    def __init__(self, boundary: bytes, uploads_dir: Path, max_bytes: int) -> None:
        self._uploads_dir, self._max_bytes = uploads_dir, max_bytes
        self._events: list[tuple[str, bytes]] = []
        record = self._events.append
        self._parser = MultipartParser(
            boundary,
            callbacks={
                "on_part_begin": lambda: record(("part", b"")),
                "on_header_field": lambda data, start, end: record(("name", data[start:end])),
                "on_header_value": lambda data, start, end: record(("value", data[start:end])),
                "on_header_end": lambda: record(("header", b"")),
                "on_headers_finished": lambda: record(("body", b"")),
                "on_part_data": lambda data, start, end: record(("data", data[start:end])),
                "on_part_end": lambda: record(("end", b"")),
            },
        )
        self.file: IncomingFile | None = None
        self._in_file = self._file_complete = False
        self._headers: dict[bytes, bytes] = {}
        self._name = self._value = b""

    async def feed(self, chunk: bytes) -> None:
        self._parser.write(chunk)
        events = list(self._events)
        self._events.clear()
        file_bytes = []
        for kind, payload in events:
            if kind == "data":
                if self._in_file:
                    file_bytes.append(payload)
            else:
                self._on_structure(kind, payload)
        if file_bytes and self.file is not None:
            await run_in_threadpool(self.file.write, file_bytes)

    async def finish(self) -> StoredFile:
        self._parser.finalize()
        if self.file is None:
            raise InvalidInput(details=[MISSING_FILE])
        if not self._file_complete:
            raise UnreadableUpload()
        return await run_in_threadpool(self.file.keep)

    def _on_structure(self, kind: str, payload: bytes) -> None:
        if kind == "part":
            self._headers, self._name, self._value = {}, b"", b""
        elif kind in ("name", "value"):
            if kind == "name":
                self._name += payload
            else:
                self._value += payload
            if len(self._name) + len(self._value) > MAX_PART_HEADER:
                raise UnreadableUpload()
        elif kind == "header":
            self._headers[self._name.strip().lower()] = self._value
            self._name, self._value = b"", b""
        elif kind == "body":
            self._start_body()
        elif kind == "end":
            self._file_complete = self._file_complete or self._in_file
            self._in_file = False

    def _start_body(self) -> None:
        """A part's headers are complete: it is the file when it is field ``file`` with a filename."""
        _, params = parse_options_header(self._headers.get(b"content-disposition", b"").decode("latin-1"))
        raw_name = params.get(b"filename")
        self._in_file = params.get(b"name") == b"file" and raw_name is not None
        if not self._in_file or raw_name is None:
            return
        if self.file is not None:
            raise InvalidInput(
                details=[{"field": "file", "code": "one_file", "message": N_("Upload one file at a time.")}]
            )
        self.file = IncomingFile(self._uploads_dir, _decode_filename(raw_name), self._max_bytes)


def _decode_filename(raw: bytes) -> str:
    """Browsers send the name as UTF-8 bytes; anything else is kept readable rather than refused."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


async def receive_upload(request: Request, uploads_dir: Path, max_bytes: int) -> StoredFile:
    """Stream the request's multipart ``file`` field into the store.

    A declared Content-Length over the limit is refused before reading anything; a chunked or
    understated body is counted as it arrives, so little more than the limit is ever read, and
    nothing of a refused upload stays on disk. Permission is checked before this is called."""
    budget = max_bytes + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > budget:
        raise UploadTooLarge(details=[{"field": "file", "limit_bytes": max_bytes}])
    media_type, params = parse_options_header(request.headers.get("content-type", ""))
    if media_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise InvalidInput(details=[MISSING_FILE])
    upload = _MultipartUpload(params[b"boundary"], uploads_dir, max_bytes)
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > budget:
                raise UploadTooLarge(details=[{"field": "file", "limit_bytes": max_bytes}])
            await upload.feed(chunk)
        return await upload.finish()
    except (FormParserError, ClientDisconnect) as exc:
        raise UnreadableUpload() from exc
    finally:
        if upload.file is not None:
            await run_in_threadpool(upload.file.discard)


async def receive_parsed_upload(request: Request, uploads_dir: Path, max_bytes: int) -> StoredFile:
    """The same, for a body Starlette has already parsed (a plain form post whose CSRF token
    travelled in the body, so the CSRF check had to read it first)."""
    upload = (await request.form()).get("file")
    if not isinstance(upload, UploadFile):
        raise InvalidInput(details=[MISSING_FILE])
    incoming = IncomingFile(uploads_dir, upload.filename or "", max_bytes)
    try:
        while chunk := await upload.read(256 * 1024):
            await run_in_threadpool(incoming.write, [chunk])
        return await run_in_threadpool(incoming.keep)
    finally:
        await run_in_threadpool(incoming.discard)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one per RFC 5987 (Chinese names)."""
    fallback = "".join(ch if " " <= ch <= "~" and ch not in '"\\' else "_" for ch in filename) or "attachment"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(uploads_dir: Path, *, sha256: str, filename: str, content_type: str) -> FileResponse:
    """The stored file as a download that a browser will neither render nor sniff."""
    path = blob_path(uploads_dir, sha256)
    if not path.is_file():
        log.error("attachment content %s is missing from %s", sha256, uploads_dir)
        raise NotFound()
    headers = {
        "Content-Disposition": content_disposition(filename),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    return FileResponse(path, media_type=content_type, headers=headers)
