"""imvo's cell formats as data: the header, the level fills, titles, labels and dates."""

from __future__ import annotations

from typing import Any

from ..model import LEVEL_COLOURS, LEVEL_FONT_COLOURS

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = DATE_FORMAT + " hh:mm:ss"
TIME_FORMAT = "hh:mm:ss"
DATE_FORMATS = (DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT)  # date, datetime, time cells
PERCENT_FORMAT = "0.0%"  # shares (0..1) read as percentages; the cell keeps the fraction
PERCENT_STYLE: dict[str, Any] = {"number_format": PERCENT_FORMAT}
HEADER_STYLE: dict[str, Any] = {"font": {"bold": True, "color": "FFFFFF"}, "fill": "332288",
                                "alignment": {"wrap_text": True, "vertical": "top"}}
TITLE_STYLE: dict[str, Any] = {"font": {"bold": True, "size": 14}}
LABEL_STYLE: dict[str, Any] = {"font": {"bold": True}}


def level_style(level: str | None) -> dict[str, Any]:
    """A level's fill (colour-blind-safe palette, model.LEVEL_COLOURS) and font."""
    level = level or "unknown"
    return {"fill": LEVEL_COLOURS.get(level, LEVEL_COLOURS["unknown"]),
            "font": {"color": LEVEL_FONT_COLOURS.get(level, "000000"),
                     "bold": level in ("critical", "high")}}
