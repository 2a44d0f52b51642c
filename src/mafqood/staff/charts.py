"""Bar charts drawn as SVG on the server: no chart script, nothing fetched, and the numbers
are in the page for screen readers too (each bar has a title)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT, BASELINE, TOP = 720, 240, 200, 16


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    kind: str  # "in" or "out"


@dataclass(frozen=True)
class WeekColumn:
    week: datetime
    label_x: float
    bars: tuple[Bar, Bar]


def weekly_bars(weeks: list[tuple[datetime, int, int]]) -> list[WeekColumn]:
    """(week start, received, returned) per week -> two bars per week, scaled to the
    largest value."""
    if not weeks:
        return []
    peak = max(max(received, returned) for _, received, returned in weeks) or 1
    slot = (WIDTH - 40) / len(weeks)
    bar_width = max(2.0, min(24.0, slot / 2 - 2))
    columns = []
    for index, (week, received, returned) in enumerate(weeks):
        left = 30 + index * slot
        bars = tuple(
            Bar(
                x=left + offset * (bar_width + 2),
                y=BASELINE - (value / peak) * (BASELINE - TOP),
                width=bar_width,
                height=(value / peak) * (BASELINE - TOP),
                value=value,
                kind=kind,
            )
            for offset, (value, kind) in enumerate(((received, "in"), (returned, "out")))
        )
        columns.append(WeekColumn(week=week, label_x=left, bars=(bars[0], bars[1])))
    return columns
