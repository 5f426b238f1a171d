"""Damaged text in cells: invisible code points, mojibake and lost characters, with notes.

Three kinds of damage a clean list never has, each noted per cell:

- invisible code points (noncharacters such as U+FFFE/U+FFFF, zero-width spaces, a byte
  order mark inside the text, soft hyphens, tag characters) are removed: they make two
  spellings of one name differ and cannot be seen in a report. Zero-width joiners (which
  scripts such as Devanagari and Bengali need) are kept; C0/C1 controls and bidi overrides
  are left to the cell reader, which replaces them by spaces with its own warning.
- mojibake, UTF-8 read as Windows-1252 or Latin-1 ('MÃ¼ller', 'Ã©', 'â€™'): repaired only
  when that is unambiguous, i.e. every non-ASCII character of the cell belongs to a
  sequence that reads back as UTF-8, so the cell encodes to Windows-1252 bytes that decode
  as UTF-8 (up to three times for text garbled twice); a cell that mixes such sequences with
  other non-ASCII text is kept as it is. Either way the cell is noted. Real names do not
  produce these sequences: they need an accented capital letter (Â-ß) or a small letter
  à-ô directly followed by one to three characters from Windows-1252's 0x80-0xBF range
  (€, ‚, ™, ©, ¼ ...), a sequence that also has to decode to a character that is no
  control character and none of the rare scripts a German or Icelandic letter before a
  no-break space would give (see `has_mojibake`). A small function beats a dependency here: the rule is these few lines.
- U+FFFD, the replacement character, means characters were lost in an earlier conversion
  (Latin-1 text read as UTF-8); nothing can bring them back, the cell is noted as it is.

Only non-ASCII text can hold any of these: a clean list costs one pass over its cells.
"""

from __future__ import annotations

import re
import unicodedata

from .notes import ReadNote

MAX_SHOWN = 60  # characters of a cell quoted in a note

# Invisible code points removed from cells (see the module's head). U+200C/U+200D stay.
_INVISIBLE = ("\u00ad\u061c\u180e\u200b\u200e\u200f\u2060-\u2064\u206a-\u206f\ufeff"
              "\ufff9-\ufffb\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff\U000e0000-\U000e007f"
              + "".join(f"{chr(p * 0x10000 + 0xfffe)}{chr(p * 0x10000 + 0xffff)}"
                        for p in range(1, 17)))
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")

# Windows-1252 read back to its bytes; its five undefined bytes and the C1 controls (as
# Latin-1 decodes 0x80-0x9F) map to the byte they stand for.
_TO_BYTE: dict[str, int] = {}
for _b in range(0x80, 0x100):
    _TO_BYTE[chr(_b)] = _b  # Latin-1
    try:
        _TO_BYTE[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        pass
_CONT = "".join(re.escape(ch) for ch, b in sorted(_TO_BYTE.items()) if 0x80 <= b <= 0xBF)
# A UTF-8 lead byte read as a Latin-1 letter, and the continuation bytes after it.
_MOJIBAKE_RE = re.compile(f"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}"
                          f"|[\u00f0-\u00f4][{_CONT}]{{3}}")
# What a cell must hold for a closer look, as two patterns that each start with one
# character class (a fast scan): invisible code points or U+FFFD, and a mojibake pair.
_SUSPECT_CHAR_RE = re.compile(f"[{_INVISIBLE}\ufffd]")
_SUSPECT_PAIR_RE = re.compile(f"[\u00c2-\u00f4][{_CONT}]")

_INVISIBLE_HINT = ("retype the cell or remove the characters; they often come from text "
                   "copied out of web pages, PDFs or other programs")
_MOJIBAKE_HINT = ("the file was saved in one encoding and read in another: export the list "
                  "again as UTF-8 (Excel: Save As > CSV UTF-8) and check the text")
_LOST_HINT = ("correct the text from the source: characters were lost when the list was "
              "converted; save it as UTF-8 to keep them")


def shown(text: str) -> str:
    """A cell's text quoted in a note, cut to MAX_SHOWN characters."""
    return repr(text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 3] + "...")


def code_points(chars) -> str:
    """'U+200B, U+FEFF' for the distinct characters, in order of code point."""
    return ", ".join(f"U+{ord(c):04X}" for c in sorted(set(chars)))


def has_suspect_cells(rows: list[list]) -> bool:
    """Does any cell hold text this module would change or note? (One pass over the
    cells, a search over the non-ASCII ones only.)"""
    wide = [v for row in rows for v in row if type(v) is str and not v.isascii()]
    if not wide:
        return False
    # A space is ASCII: no pair searched for can run across two cells.
    return _suspect(" ".join(wide))


def _suspect(text: str) -> bool:
    """Might the text hold damage? Every invisible code point is unprintable, so printable
    text (nearly all) needs no search for them."""
    if "\ufffd" in text or _SUSPECT_PAIR_RE.search(text) is not None:
        return True
    return not text.isprintable() and _SUSPECT_CHAR_RE.search(text) is not None


def check_cells(rows: list[list], merged=()) -> list[ReadNote]:
    """Clean the cells of `rows` in place (invisible code points removed, unambiguous
    mojibake repaired) and note each damaged cell; a cell a merged range copied its value
    into is cleaned like the range's first cell and noted once, there."""
    if not has_suspect_cells(rows):
        return []
    copies = {(r, c) for r0, c0, r1, c1 in merged for r in range(r0, r1 + 1)
              for c in range(c0, c1 + 1) if (r, c) != (r0, c0)} if merged else set()
    notes: list[ReadNote] = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if type(value) is not str or value.isascii() or not _suspect(value):
                continue
            fixed, found = check_text(value)
            row[c] = fixed
            if (r, c) not in copies:
                notes.extend(ReadNote(code, message, hint, r, c) for code, message, hint in found)
    return notes


def check_text(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The cleaned text and what was found: (code, message, hint) per kind of damage."""
    found = []
    invisible = _INVISIBLE_RE.findall(text)
    if invisible:
        text = _INVISIBLE_RE.sub("", text)
        found.append(("invisible-characters",
                      f"cell holds {len(invisible)} invisible or non-character code point(s) "
                      f"({code_points(invisible)}); they were removed", _INVISIBLE_HINT))
    if has_mojibake(text):
        repaired = repair_mojibake(text)
        if repaired is not None:
            found.append(("mojibake", f"cell text {shown(text)} looks like UTF-8 read as "
                          f"Windows-1252 or Latin-1; read as {shown(repaired)}", _MOJIBAKE_HINT))
            text = repaired
        else:
            found.append(("mojibake", f"cell text {shown(text)} looks like UTF-8 read as "
                          "Windows-1252 or Latin-1 in part; kept as it is (the repair is not "
                          "certain)", _MOJIBAKE_HINT))
    lost = text.count("\ufffd")
    if lost:
        found.append(("lost-characters", f"cell text {shown(text)} holds {lost} replacement "
                      "character(s) (U+FFFD) where characters were lost", _LOST_HINT))
    return text, found


def has_mojibake(text: str) -> bool:
    """Does the text hold a sequence that reads back as a UTF-8 character? Not one that
    gives a control character, nor one in U+0700-U+07FF (Syriac, Thaana, NKo): those come
    from 'Ü', 'Ý', 'Þ' or 'ß' before a symbol such as a no-break space ('Groß Gerau')."""
    for m in _MOJIBAKE_RE.finditer(text):
        decoded = _as_utf8(m.group())
        if decoded is not None and unicodedata.category(decoded) != "Cc" \
                and not "\u0700" <= decoded <= "\u07ff":
            return True
    return False


def repair_mojibake(text: str) -> str | None:
    """The text read back as UTF-8 (repeated while it still has mojibake, up to three
    times), or None when any non-ASCII character is no part of a sequence that does."""
    for _ in range(3):
        fixed = _as_utf8(text)
        if fixed is None or fixed == text or "\ufffd" in fixed \
                or any(unicodedata.category(ch) in ("Cc", "Cn", "Cs") and ch not in "\t\n\r"
                       for ch in fixed if not ch.isascii()):
            return None if _ == 0 else text
        text = fixed
        if not has_mojibake(text):
            return text
    return text


def _as_utf8(text: str) -> str | None:
    """The text's Windows-1252 (or Latin-1) bytes decoded as UTF-8; None when a character
    has no such byte or the bytes are not UTF-8."""
    try:
        raw = bytes(ord(ch) if ch.isascii() else _TO_BYTE[ch] for ch in text)
        return raw.decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None
