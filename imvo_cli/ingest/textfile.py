"""Decode a CSV file's bytes, noting what was damaged or guessed on the way.

- UTF-8, with or without a byte order mark, is read as it is. Bytes that are not UTF-8 in a
  file that is otherwise (two exports pasted together) are read as Windows-1252, marked so
  that each cell holding them is noted; a file with no UTF-8 sequence at all is Windows-1252
  (Excel's Western export), read without a note.
- UTF-16 is read by its byte order mark or, without one, by its pattern of NUL bytes (every
  other byte NUL in Western text); the guess is noted. A text cut in half a character or
  holding a lone surrogate keeps the rest, the lost character as U+FFFD (noted per cell).
- A run of NUL bytes at the end (an incomplete download or copy) is dropped and noted; NUL
  bytes elsewhere are left in the text for the reader to note and remove per cell.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from .celltext import shown
from .notes import ReadNote

_SAMPLE = 1 << 16  # bytes looked at for a UTF-16 pattern of NUL bytes
_MARKERS = "\ufdd0\ufdd1\ufdd2\ufdd3"  # noncharacters: one no file holds marks the guessed bytes
_REENCODE_HINT = "export the list again as UTF-8 CSV and check the text"
_INCOMPLETE_HINT = "download or export the list again and compare its last rows"


@dataclass(slots=True)
class Decoded:
    """A CSV file's text, what was noted about the whole file, and the marker that stands
    before each byte read as Windows-1252 in an otherwise UTF-8 file (None: no such byte)."""

    text: str
    notes: list[ReadNote] = field(default_factory=list)
    marker: str | None = None


def _marking(marker: str):
    """A decode error handler: each byte that is not UTF-8 as its Windows-1252 character
    (Latin-1 for the five bytes Windows-1252 leaves undefined), after `marker`."""
    def handle(exc: UnicodeDecodeError):
        bad = exc.object[exc.start:exc.end]
        return "".join(marker + (bytes([b]).decode("cp1252", "ignore") or chr(b))
                       for b in bad), exc.end
    return handle


for _m in _MARKERS:
    codecs.register_error(f"imvo-cp1252-{ord(_m):x}", _marking(_m))


def decode_csv(data: bytes) -> Decoded:
    """The text of a CSV file's bytes (see the module's head)."""
    if data.startswith(b"\xef\xbb\xbf"):
        out = _utf8(data[3:], bom=True)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        out = _utf16(data, "utf-16", None)
    elif (order := _utf16_order(data)) is not None:
        out = _utf16(data, order, f"the file has no byte order mark; read as {order.upper()} "
                     "by its pattern of NUL bytes")
    else:
        out = _utf8(data, bom=False)
    tail = len(out.text) - len(out.text.rstrip("\x00"))
    if tail:
        out.text = out.text.rstrip("\x00")
        out.notes.append(ReadNote(
            "incomplete-file", f"the file ends in {tail:,} NUL byte(s), as an incomplete "
            "download or copy does; they were dropped, and the last row may be cut short",
            _INCOMPLETE_HINT))
    return out


def _utf16_order(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the first bytes have NUL bytes at every other
    position (text in the first 256 code points), else None."""
    sample = data[:_SAMPLE]
    half = len(sample) // 2
    if half < 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.4 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.4 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _utf16(data: bytes, encoding: str, guessed: str | None) -> Decoded:
    notes = []
    if guessed:
        notes.append(ReadNote("encoding-guessed", guessed,
                              "check that the names read right; save the list as UTF-8 CSV"))
    if len(data) % 2:
        data = data[:-1]
        notes.append(ReadNote("incomplete-file", "the file's UTF-16 text ends in half a "
                              "character, which was dropped; the last row may be cut short",
                              _INCOMPLETE_HINT))
    text = data.decode(encoding, errors="replace")
    return Decoded(text.removeprefix("\ufeff") if encoding != "utf-16" else text, notes)


# A UTF-8 sequence of two to four bytes: a file with one is meant as UTF-8.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def _utf8(data: bytes, *, bom: bool) -> Decoded:
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if not bom and _UTF8_SEQUENCE.search(data) is None:
        return Decoded(data.decode("cp1252", errors="replace"))
    marker = next((m for m in _MARKERS if m.encode("utf-8") not in data), None)
    if marker is None:  # the file holds every marker: nothing to tell the guessed bytes by
        return Decoded(data.decode("utf-8", errors="replace"))
    return Decoded(data.decode("utf-8", errors=f"imvo-cp1252-{ord(marker):x}"), [], marker)


def unmark(text: str, marker: str) -> tuple[str, str]:
    """(the text without markers, the characters they marked)."""
    marked = "".join(text[i + 1:i + 2] for i in range(len(text)) if text[i] == marker)
    return text.replace(marker, ""), marked


def mixed_encoding_note(text: str, marker: str, row: int, col: int) -> tuple[str, ReadNote]:
    """The cell's text without markers and the note that says which bytes were guessed."""
    clean, marked = unmark(text, marker)
    return clean, ReadNote(
        "mixed-encoding", f"cell {shown(clean)} holds {len(marked)} byte(s) that are not UTF-8 while "
        f"the rest of the file is; read as Windows-1252 ({', '.join(map(repr, dict.fromkeys(marked)))})",
        _REENCODE_HINT, row, col)


def check_csv_cells(rows: list[list], decoded: Decoded, nul: bool) -> list[ReadNote]:
    """Remove the NUL bytes and the markers from the cells of `rows` (in place), with a
    note per cell; `nul`: the text holds NUL bytes."""
    notes: list[ReadNote] = []
    marker = decoded.marker
    if not nul and marker is None:
        return notes
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if nul and "\x00" in value:
                n = value.count("\x00")
                value = row[c] = value.replace("\x00", "")
                notes.append(ReadNote(
                    "nul-bytes", f"cell held {n:,} NUL byte(s) (a damaged file, or one saved in "
                    "another encoding); they were removed",
                    "compare the row with the source; export the list again as UTF-8 CSV",
                    r, c))
            if marker is not None and marker in value:
                row[c], note = mixed_encoding_note(value, marker, r, c)
                notes.append(note)
    return notes
