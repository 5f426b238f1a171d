"""Small pure functions that turn messy cell values into clean typed values.

Each parser returns the value, or raises ValueError with a message a user can act on.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import compress
from operator import not_

from ..match.normalise import strip_legal_forms, tokens_of

# C0/C1 control characters and the bidi embedding/override/isolate marks: the latter render
# a name backwards in reports ("Trojan source" spoofing) and real RTL names never need them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """NFC, control characters removed, whitespace collapsed and trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    # Most cells are already clean: printable (so no control or odd whitespace characters),
    # single-spaced and trimmed. Checking that is far cheaper than two regex passes.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text if text.isascii() else unicodedata.normalize("NFC", text)
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def has_control_chars(value: object) -> bool:
    # Printable text (the usual case) holds no control or bidi marks: skip the regex.
    return isinstance(value, str) and not value.isprintable() and bool(_CONTROL.search(value))


def split_multi(text: str, *, allow_comma: bool = True) -> list[str]:
    """Split 'Dyeing | Printing; Washing' into parts on |, ; and (where unambiguous) comma.

    A comma inside a company name stays: a piece that is only a legal form ('Ltd.',
    'S.A. de C.V.', '(Pvt.) Ltd.') belongs to the name before it, so
    'Alpha Garments Ltd, Beta Apparel Co., Ltd.' is two names. A comma inside a number or a
    house number ('1,5', 'Plot 3, 4') does not split at all; a list of numbers ('3, 7') does.
    """
    if not text:
        return []
    if "|" not in text and ";" not in text and "\n" not in text and "," not in text:
        part = text.strip()  # one value: nothing to split
        return [part] if part else []
    if ";" in text or "\n" in text:
        text = text.replace(";", "|").replace("\n", "|")
    out: list[str] = []
    for part in text.split("|"):
        part = part.strip()  # the spaces around a separator go with it
        if allow_comma and "," in part:
            out.extend(split_commas(part))
        else:
            out.append(part)
    return [p for p in dict.fromkeys(out) if p]


_NUMBER = re.compile(r"\s*\d+\s*")


def split_multi_all(texts: list[str]) -> list[list[str]]:
    """`split_multi` of each text (equal texts share one list)."""
    table = split_multi_table(texts)
    return [table[t] for t in texts]


def split_multi_table(texts: list[str]) -> dict[str, list[str]]:
    """Each distinct text -> its `split_multi`; those split at '|' alone are split together.

    Printable, single-spaced and trimmed, such a text has at most one space beside each '|':
    dropping the spaces beside every '|' of the NUL-joined texts strips every part at once.
    A text with no separator at all is its one part.
    """
    joined = "\x00".join(texts)
    easy = texts if "," not in joined and ";" not in joined else \
        [t for t in texts if "," not in t and ";" not in t]
    if easy is not texts:
        joined = "\x00".join(easy)
    if not easy or not "".join(easy).isprintable() or "  " in joined or " \x00" in joined \
            or "\x00 " in joined or joined[:1] == " " or joined[-1:] == " ":
        return {t: split_multi(t) for t in texts}
    if "|" in joined:
        piped = [t for t in easy if "|" in t]
        split = {t: [t] for t in easy if "|" not in t} if len(piped) < len(easy) else {}
        lists = [piece.split("|") for piece in
                 "\x00".join(piped).replace(" |", "|").replace("| ", "|").split("\x00")]
        split.update(zip(piped, [
            parts if "" not in parts and len(set(parts)) == len(parts)
            else [p for p in dict.fromkeys(parts) if p] for parts in lists]))
    else:
        split = {t: [t] for t in easy}
    if "" in split:
        split[""] = []
    if easy is not texts:
        split.update((t, split_multi(t)) for t in texts if "," in t or ";" in t)
    return split


# The same part ('Alpha Garments Co., Ltd.') recurs in many cells of a list.
@lru_cache(maxsize=1 << 16)
def split_commas(part: str) -> tuple[str, ...]:
    """The names or ids one part (no '|' or ';') holds, split at the commas that separate."""
    pieces = part.split(",")
    numbers = [bool(_NUMBER.fullmatch(p)) for p in pieces]
    if all(numbers) and (len(pieces) > 2 or ", " in part):
        return tuple(p.strip() for p in pieces)  # "3, 7": a list of numbers (ids)
    if any(numbers[1:]):
        return (part.strip(),)  # "1,5" or "Unit 3, 4"
    names: list[str] = []
    for piece in pieces:
        if names and is_legal_form(piece):
            names[-1] = f"{names[-1]},{piece}"  # "Beta Apparel Co." + " Ltd."
        else:
            names.append(piece)
    return tuple(n.strip() for n in names)


def is_legal_form(text: str) -> bool:
    """True when a text is nothing but a legal form: 'Ltd.', 'S.A. de C.V.', '(Pvt.) Ltd.'."""

    tokens = tokens_of(text)
    return bool(tokens) and not strip_legal_forms(tokens)


def parse_int_like(value: object) -> int:
    """Whole numbers written as people write them: 1.250 / 1,250 / 1 250 / 1250.0."""
    if isinstance(value, bool):
        raise ValueError("expected a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("expected a number")
        return round(value)
    text = clean_text(value).replace("\u00a0", " ").replace("'", "")
    if re.fullmatch(r"\d{1,3}([ .,]\d{3})+", text):
        return int(re.sub(r"[ .,]", "", text))
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+[.,]\d{1,2}", text):
        return round(float(text.replace(",", ".")))
    raise ValueError(f"{text!r} is not a number")


MAX_WORKERS = 2_000_000  # the most workers one production location is read with


def parse_workers(value: object) -> int:
    """'1.250', '100-500' (midpoint), 'approx. 300', '>1000', '300+' -> a whole number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        n = parse_int_like(value)
    else:
        text = clean_text(value).lower()
        text = re.sub(r"^(approx\.?|approximately|ca\.?|circa|about|around|±|~|ongeveer|"
                      r"plm\.?|>|<|>=|<=|meer dan|more than|over|up to|tot)\s*", "", text)
        text = re.sub(r"\s*(\+|workers|employees|werknemers|medewerkers|people|fte)$", "", text)
        rng = re.fullmatch(r"([\d., ]+?)\s*(?:-|–|to|tot)\s*([\d., ]+)", text)
        if rng:
            lo, hi = parse_int_like(rng.group(1)), parse_int_like(rng.group(2))
            if lo > hi:
                raise ValueError(f"range {text!r} runs backwards")
            n = (lo + hi) // 2
        else:
            n = parse_int_like(text)
    if n < 0:
        raise ValueError("a number of workers cannot be negative")
    if n > MAX_WORKERS:
        raise ValueError(f"{n} workers is not plausible for one production location")
    return n


_EXCEL_EPOCH = date(1899, 12, 30)
# Numeric forms only: month names are read by _named_month_date, in English and Dutch, not
# through strptime's %b / %B (which follow the process locale).
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d/%m/%y", "%d-%m-%y",
                 "%Y/%m/%d", "%Y%m%d", "%m/%Y", "%Y-%m")
# English and Dutch month names and their usual abbreviations (a trailing dot is dropped).
_MONTHS: dict[str, int] = {name: number for number, names in enumerate((
    "jan january januari", "feb february februari", "mar march maart mrt", "apr april",
    "may mei", "jun june juni", "jul july juli", "aug august augustus", "sep sept september",
    "oct october okt oktober", "nov november", "dec december"), 1) for name in names.split()}
_SEP = r"[\s./-]+"
_DAY = r"(\d{1,2})(?:st|nd|rd|th|e)?"
_DAY_MONTH_YEAR = re.compile(rf"{_DAY}{_SEP}([a-z]+)\.?(?:{_SEP}|,\s*)(\d{{4}}|\d{{2}})")
_MONTH_DAY_YEAR = re.compile(rf"([a-z]+)\.?[\s-]+{_DAY}(?:,\s*|{_SEP})(\d{{4}})")
_MONTH_YEAR = re.compile(rf"([a-z]+)\.?(?:{_SEP}|,\s*)(\d{{4}})")


def _named_month_date(low: str) -> date | None:
    """'15-mar-2024', '1-mrt-24', '15 mrt. 2024', 'mar 15, 2024', 'maart 2024' -> a date
    (None when the text is not such a form); `low` is lower case."""
    if m := _DAY_MONTH_YEAR.fullmatch(low):
        day, month, year = m.group(1), m.group(2), m.group(3)
    elif m := _MONTH_DAY_YEAR.fullmatch(low):
        month, day, year = m.group(1), m.group(2), m.group(3)
    elif m := _MONTH_YEAR.fullmatch(low):
        month, day, year = m.group(1), "1", m.group(2)
    else:
        return None
    number = _MONTHS.get(month)
    if number is None:
        return None
    y = int(year)
    if len(year) == 2:  # as strptime's %y: 69-99 are 1969-1999, 00-68 are 2000-2068
        y += 1900 if y >= 69 else 2000
    try:
        return date(y, number, int(day))
    except ValueError:
        return None


def parse_date(value: object) -> date:
    """Excel serials, ISO, dd-mm-yyyy, d/m/yy, '12 maart 2024', '15-Mar-24', 'Mar 15, 2024'
    -> a date (day first)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serial range
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(f"{value!r} is not a date")
    text = clean_text(value)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    text = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$", "", text)
    low = text.lower()
    if any(c.isalpha() for c in low):
        found = _named_month_date(low)
        if found is not None:
            return found
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(low, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or DD-MM-YYYY)")


def parse_tier(value: object) -> int:
    """'1', 'Tier 2', 'T3', 'tier-4', 3.0, '2.0' -> 1..20."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer():
            n = int(value)
        else:
            raise ValueError(f"{value!r} is not a whole tier number")
    else:
        # '2.0' and '2,0' (a number exported as text) are whole tiers too; '2.5' is not
        m = re.fullmatch(r"(?:tier|t|niveau|schakel)?\s*[-_ ]?\s*(\d+)(?:[.,]0+)?",
                         clean_text(value).lower())
        if not m:
            raise ValueError(f"{clean_text(value)!r} is not a tier (use 1, 2, 3 ...)")
        n = int(m.group(1))
    if not 1 <= n <= 20:
        raise ValueError(f"tier {n} is out of range (1..20)")
    return n


def share_number(value: object) -> tuple[float, bool] | None:
    """(the number a share cell holds, whether it carries a '%'), None when it holds none."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value), False
    text = clean_text(value).replace(" ", "")
    pct = text.endswith("%")
    try:
        return float(text.rstrip("%").replace(",", ".")), pct
    except ValueError:
        return None


def parse_share(value: object, percent: bool | None = None) -> float:
    """'35%', '35', 0.35, '0,35' -> a fraction 0..1.

    A number without '%' is a percentage when above 1, else a fraction; `percent` decides
    that for every such number instead (a column's scale: 40, 25 and 1 are all percentages).
    """
    found = share_number(value)
    if found is None:
        raise ValueError(f"{clean_text(value)!r} is not a share (use 35% or 0.35)")
    x, pct = found
    if pct or (x > 1 if percent is None else percent):
        x /= 100
    if not 0 <= x <= 1:
        raise ValueError(f"share {value!r} is outside 0..100%")
    return round(x, 6)


def shares_are_percentages(values) -> bool:
    """Are the numbers without '%' among these share cells percentages? Yes when any cell's
    number, '%' or not, is above 1 (a column is fractions only when every value is 0..1)."""
    for value in values:
        found = share_number(value) if value is not None else None
        if found is not None and found[0] > 1:
            return True
    return False


def parse_coordinate(value: object, limit: float) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        x = float(value)
    else:
        try:
            x = float(clean_text(value).replace(",", "."))
        except ValueError:
            raise ValueError(f"{clean_text(value)!r} is not a coordinate") from None
    if not -limit <= x <= limit:
        raise ValueError(f"{x} is outside -{limit}..{limit}")
    return x


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def parse_os_id(value: object) -> str:
    """Open Supply Hub ID: 2-letter country + 13 base-32 characters, the last a check character."""
    text = clean_text(value).upper().replace("-", "").replace(" ", "")
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{13}", text):
        raise ValueError(f"{clean_text(value)!r} is not an Open Supply Hub ID (like CN2019303BQ3FZP)")
    try:
        total = ord(text[0]) + ord(text[1]) + sum(_CROCKFORD.index(c) for c in text[2:-1])
    except ValueError:
        raise ValueError(f"{text!r} has characters that Open Supply Hub IDs never use") from None
    if _CROCKFORD[total % 32] != text[-1]:
        raise ValueError(f"{text!r} fails its check character (a typo?)")
    return text


# Reading a list keys every supplier's name and address, and the chain graph keys the names
# again to resolve references: a name keyed once is looked up after that.
@lru_cache(maxsize=1 << 18)
def name_key(text: str) -> str:
    """Key for matching names within one list: case, accents, punctuation, spacing ignored."""
    if not text.isascii():  # strip accents: decompose, then drop the combining marks
        text = unicodedata.normalize("NFKD", text).translate(_COMBINING).casefold()
        if not text.isascii():
            return _NON_WORD.sub(" ", text).strip()
    # ASCII: a bytes translate does what the regex does, many times faster
    return b" ".join(text.encode().lower().translate(_ASCII_NON_WORD).split()).decode()


def name_keys(texts: list[str]) -> list[str]:
    """`name_key` of each text, in a few passes over all of them together.

    Joined by NUL (clean text never holds one), the texts go through the same steps as one:
    every step works character by character (NFKD keeps NUL as a boundary, the combining
    marks and case folding know no context, the regexes never cross NUL), so splitting the
    result on NUL gives each text's key. ASCII texts take the byte translation, the others
    the Unicode steps; a text holding NUL is keyed on its own.
    """
    is_ascii = list(map(str.isascii, texts))
    if all(is_ascii):
        return _ascii_keys(texts)
    plain = list(compress(texts, is_ascii))
    other = list(compress(texts, map(not_, is_ascii)))
    # each text takes the next key of its kind, interleaved in one pass
    keyed = {True: iter(_ascii_keys(plain)), False: iter(_unicode_keys(other))}
    return list(map(next, map(keyed.__getitem__, is_ascii)))


def _ascii_keys(texts: list[str]) -> list[str]:
    joined = "\x00".join(texts)
    if not texts or joined.count("\x00") != len(texts) - 1:
        return list(map(name_key, texts))
    return _joined_keys(joined.encode().lower().translate(_ASCII_NON_WORD_NUL))


def _unicode_keys(texts: list[str]) -> list[str]:
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:
        return list(map(name_key, texts))
    try:
        text = unicodedata.normalize("NFKD", joined)
        marks = [c for c in _non_ascii(text) if unicodedata.combining(c)]
        if marks:  # what translate(_COMBINING) does, in one regex pass
            text = _char_class(marks).sub("", text)
        text = text.casefold()
        odd = [c for c in _non_ascii(text) if not c.isalnum()]
        if odd:  # the non-ASCII characters [\W_] matches
            text = _char_class(odd).sub(" ", text)
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8, each text keyed on its own
        return list(map(name_key, texts))
    # the ASCII ones: the byte translation, which leaves the UTF-8 of other characters alone
    return _joined_keys(data.translate(_ASCII_NON_WORD_NUL_UTF8))


def _joined_keys(data: bytes) -> list[str]:
    """Keys from NUL-joined text in which every non-word character is a space already."""
    if b"  " in data:  # collapse runs of spaces, in one pass
        data = _SPACE_RUN.sub(b" ", data)
    data = data.replace(b" \x00", b"\x00").replace(b"\x00 ", b"\x00").strip(b" ")
    return data.decode().split("\x00")


_ASCII_BYTES = bytes(range(128))


def _non_ascii(text: str) -> set[str]:
    """The distinct non-ASCII characters of a text (UTF-8 without its ASCII bytes)."""
    return set(text.encode().translate(None, _ASCII_BYTES).decode())


def _char_class(chars: list[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]")


class _CombiningMarks(dict):
    """str.translate table deleting combining marks; learns each character once."""

    def __missing__(self, code: int):
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_COMBINING = _CombiningMarks()


_NON_WORD = re.compile(r"[\W_]+")
_SPACE_RUN = re.compile(rb"  +")
_NON_WORD_NUL = re.compile(r"(?:[^\w\x00]|_)+")  # the same, keeping NUL as a separator
# ASCII bytes that are not letters or digits (what [\W_] matches in ASCII) -> space
_ASCII_NON_WORD = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))
_ASCII_NON_WORD_NUL = b"\x00" + _ASCII_NON_WORD[1:]  # the same, keeping NUL as a separator
_ASCII_NON_WORD_NUL_UTF8 = _ASCII_NON_WORD_NUL[:128] + bytes(range(128, 256))  # UTF-8 kept


def column_letter(i: int) -> str:
    """Excel's letters for a 0-based column index: 0 -> 'A', 26 -> 'AA'."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
