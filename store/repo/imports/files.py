"""Reading an uploaded CSV or XLSX file as a header row and data rows, one row at a time.

CSV comes as UTF-8 (with or without the BOM Excel adds), as GB18030 (what Chinese Excel saves by
default) or as UTF-16 with a BOM (Excel's "Unicode text"); the separator is whichever of comma,
tab or semicolon the header line uses. XLSX is read with openpyxl in read-only mode, first sheet,
so cells stream from the zip rather than building the whole workbook in memory; date cells come
back as dates, numbers as numbers (the column rules in :mod:`store.repo.imports.columns` turn them
into text, Decimal or dates).

Rows are numbered as the spreadsheet shows them (header = row 1) and completely blank rows are
dropped (Excel leaves them at the end of a sheet). Anything that cannot be read becomes an
:class:`UnreadableFile` with the row it happened on, never a stack trace.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from schemas.kernel.errors import N_
from store.repo.imports.columns import CellValue

# An .xlsx is a zip of XML; refuse one that unpacks to far more than any real sheet (a zip bomb).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
_CHUNK = 1024 * 1024
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class UnreadableFile(Exception):
    def __init__(self, message: str, row: int = 1, **params: object) -> None:
        super().__init__(message)
        self.message, self.row, self.params = message, row, {"row": row, **params}


@dataclass(frozen=True)
class Sheet:
    header: list[CellValue]
    rows: Iterator[tuple[int, list[CellValue]]]  # (row number as the spreadsheet shows it, cells)


def file_format(filename: str) -> str | None:
    """``csv`` or ``xlsx`` by the name's extension; None for anything else."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    return extension if extension in ("csv", "xlsx") else None


def open_sheet(filename: str, data: bytes) -> Sheet:
    rows = _xlsx_rows(data) if file_format(filename) == "xlsx" else _csv_rows(data)
    first = next(rows, None)
    if first is None:
        raise UnreadableFile(N_("The file is empty: the first row must name the columns."))
    return Sheet(header=first[1], rows=_without_blanks(rows))


def first_row_over(filename: str, data: bytes, limit: int) -> int | None:
    """The spreadsheet row of the first data row past ``limit``, found without checking any row:
    cheap for CSV, so an oversized file is refused before any work. None when the file is within
    the limit, and for XLSX, where counting costs as much as reading, so the check counts as it goes."""
    if file_format(filename) == "xlsx":
        return None
    count = 0
    for number, _cells in _without_blanks(_csv_rows(data)):
        if number > 1:
            count += 1
            if count > limit:
                return number
    return None


def _without_blanks(rows: Iterator[tuple[int, list[CellValue]]]) -> Iterator[tuple[int, list[CellValue]]]:
    for number, cells in rows:
        if any(cell is not None and str(cell).strip() for cell in cells):
            yield number, cells


# ---------------------------------------------------------------- CSV
def csv_encoding(data: bytes) -> str:
    """The encoding a CSV was saved in: a BOM says so; otherwise UTF-8 when every byte decodes as
    UTF-8, else GB18030. Checked in chunks, so no second copy of a large file is built."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), _CHUNK):
                decoder.decode(data[start : start + _CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile(N_("The file is not text in UTF-8 or GB18030. Save it again as CSV."))


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[CellValue]]]:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=csv_encoding(data), newline="")
    first_line = stream.readline()
    stream.seek(0)
    delimiter = max(",\t;", key=first_line.count)
    reader = csv.reader(stream, delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, list(cells)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise UnreadableFile(N_("Row %(row)s could not be read: %(detail)s"), row=number + 1, detail=str(exc)) from exc


# ---------------------------------------------------------------- XLSX
def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[CellValue]]]:
    import openpyxl  # only imports of Excel files pay for loading it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise UnreadableFile(N_("The workbook unpacks to more than an import can hold. Save it as CSV."))
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnreadableFile:
        raise
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        raise UnreadableFile(N_("The file is not a readable Excel workbook (.xlsx).")) from exc
    number = 0
    try:
        if not workbook.worksheets:
            raise UnreadableFile(N_("The file is empty: the first row must name the columns."))
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            yield number, list(cells)
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(
            N_("Row %(row)s could not be read: %(detail)s"), row=number + 1, detail=type(exc).__name__
        ) from exc
    finally:
        workbook.close()
