"""One policy per output channel for untrusted text: terminal, XML 1.0, markdown, DOT, Mermaid.

Names of suppliers, sheets, zip parts and files come from the input; each channel has its
own way to make them inert:

- terminal / stderr: control, bidi and line-separator characters shown as escapes (\\x1b,
  \\u202e), so a message stays one line, cannot move the cursor, recolour, hyperlink, reorder
  text or start a line with `::error` (a forged GitHub workflow command);
- XML 1.0: characters XML forbids (most C0 controls, surrogates, U+FFFE, U+FFFF) replaced by
  U+FFFD; the XML writer escapes the rest;
- markdown: text as a code span (no links, images, mentions, emphasis or HTML), `|` escaped
  for tables, or as prose with every metacharacter (`@` included) backslash-escaped;
- DOT and Mermaid labels: delimiters and Mermaid's `%%{...}%%` directives neutralised.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SEPARATORS = "\u0085\u2028\u2029"
# C0 (tab and newline included: one line per message), DEL, C1, bidi, line separators.
_TERMINAL_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}{_SEPARATORS}]")
_XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LABEL_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}{_SEPARATORS}\ufffe\uffff\ud800-\udfff]")
_BACKTICKS = re.compile("`+")


def _escape_char(m: re.Match) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: object) -> str:
    """Text for a terminal or a log: one line, no escape sequences, no bidi reordering."""
    return _TERMINAL_UNSAFE.sub(_escape_char, str(text))


def xml_text(text: object) -> str:
    """Text that XML 1.0 can hold (before the writer escapes & < > and quotes)."""
    return _XML_FORBIDDEN.sub("\ufffd", str(text))


def plain_label(text: object) -> str:
    """Text for a drawing label: controls and bidi characters shown escaped, one line."""
    return _LABEL_UNSAFE.sub(_escape_char, str(text))


def markdown_code(text: object) -> str:
    """Text as an inline code span, safe in a markdown table cell; '' stays ''."""
    body = plain_label(text).replace("|", "\\|")
    if not body:
        return ""
    longest = max((len(m) for m in _BACKTICKS.findall(body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or body.startswith(" ") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~&=:\"'$^@")  # @: no mentions


def markdown_text(text: object) -> str:
    """Untrusted text as markdown prose: one line, control and bidi characters shown
    escaped, every metacharacter backslash-escaped."""
    line = plain_label(" ".join(str("" if text is None else text).split()))
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in line)


def dot_string(text: object) -> str:
    """A double-quoted DOT string; '\n' in `text` becomes a label line break."""
    body = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + body.replace("\n", "\\n") + '"'


_MERMAID_CODES = {"#": "#35;", "&": "#38;", '"': "#quot;", "<": "#lt;", ">": "#gt;",
                  "%": "#37;", "{": "#123;", "}": "#125;", "`": "#96;", "[": "#91;",
                  "]": "#93;", "(": "#40;", ")": "#41;", "|": "#124;", ";": "#59;"}
_MERMAID_SPECIAL = re.compile("[" + re.escape("".join(_MERMAID_CODES)) + "]")


def mermaid_string(text: object) -> str:
    """A double-quoted Mermaid label: every delimiter and directive character as an entity
    code (so `%%{init: ...}%%` and `"]` cannot leave the label); '\n' becomes <br/>."""
    body = _MERMAID_SPECIAL.sub(lambda m: _MERMAID_CODES[m.group(0)], str(text))
    return '"' + body.replace("\n", "<br/>") + '"'


def github_data(text: object) -> str:
    """The message part of a GitHub workflow command (after '::')."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: object) -> str:
    """A property value of a GitHub workflow command (file=..., title=...)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")
