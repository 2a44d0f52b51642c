"""A venue's activity over a period, in numbers, as JSON or as a CSV download.

Periods are half-open, [from, to), so that consecutive periods never count one event twice.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from mafqood.core.errors import FieldError
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.desk.schemas import (
    DEFAULT_REPORT_DAYS,
    MAX_REPORT_DAYS,
    CategoryRow,
    Period,
    ReportOut,
    StorageRow,
)
from mafqood.users.models import User
from mafqood.venues import access
from mafqood.venues.models import Venue

# Each event once, with its item's category and storage place; GROUPING() tells the total
# (3), a category's row (1) and a storage place's row (2) apart.
_EVENTS = text(
    """
    SELECT GROUPING(category, storage_location), category, storage_location,
           count(*) FILTER (WHERE kind = 'received'),
           count(*) FILTER (WHERE kind = 'returned'),
           count(*) FILTER (WHERE kind = 'disposed')
    FROM (
        SELECT 'received' AS kind, category, storage_location FROM items
        WHERE venue_id = :venue AND created_at >= :start AND created_at < :end
        UNION ALL
        SELECT 'returned', i.category, i.storage_location
        FROM handovers h JOIN items i ON i.id = h.item_id
        WHERE i.venue_id = :venue AND h.collected_at >= :start AND h.collected_at < :end
        UNION ALL
        SELECT 'disposed', i.category, i.storage_location
        FROM disposals d JOIN items i ON i.id = d.item_id
        WHERE d.venue_id = :venue AND d.created_at >= :start AND d.created_at < :end
    ) events
    GROUP BY GROUPING SETS ((), (category), (storage_location))
    """
)

# The period's intake and what became of it; one index probe per side of a match.
_INTAKE = text(
    """
    SELECT count(*), count(first_match), count(returned),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY first_match),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY returned)
    FROM (
        SELECT extract(epoch FROM (
                   SELECT min(created_at) FROM (
                       SELECT created_at FROM matches WHERE user_item_id = i.id
                       UNION ALL
                       SELECT created_at FROM matches WHERE matched_item_id = i.id
                   ) pairs
               ) - i.created_at) / 3600 AS first_match,
               extract(epoch FROM h.collected_at - i.created_at) / 3600 AS returned
        FROM items i LEFT JOIN handovers h ON h.item_id = i.id
        WHERE i.venue_id = :venue AND i.created_at >= :start AND i.created_at < :end
    ) intake
    """
)

_CLAIMED = text(
    """
    SELECT count(*) FROM claims c JOIN items i ON i.id = c.item_id
    WHERE i.venue_id = :venue AND c.status = 'approved'
      AND c.decided_at >= :start AND c.decided_at < :end
    """
)

# Weeks (Monday, UTC) that overlap the period, each cut to the period, empty ones included.
_WEEKLY = text(
    """
    SELECT week,
           (SELECT count(*) FROM items
            WHERE venue_id = :venue AND created_at >= greatest(week, :start)
              AND created_at < least(week + interval '7 days', :end)),
           (SELECT count(*) FROM handovers h JOIN items i ON i.id = h.item_id
            WHERE i.venue_id = :venue AND h.collected_at >= greatest(week, :start)
              AND h.collected_at < least(week + interval '7 days', :end))
    FROM generate_series(
        date_trunc('week', CAST(:start AS timestamptz), 'UTC'),
        CAST(:end AS timestamptz),
        interval '7 days'
    ) AS weeks(week)
    WHERE week < :end
    ORDER BY week
    """
)

TOTAL, CATEGORY, STORAGE = 3, 1, 2


@dataclass(frozen=True)
class ReportQuery:
    venue_id: uuid.UUID
    start: datetime | None = None
    end: datetime | None = None
    # With the period's weeks, for a chart.
    weekly: bool = False


@dataclass(frozen=True)
class VenueReport:
    venue: Venue
    report: ReportOut
    # (week start, received, returned), when asked for.
    weeks: list[tuple[datetime, int, int]] = field(default_factory=list)


async def venue_report(uow: UnitOfWork, actor: User, command: ReportQuery) -> VenueReport:
    """The venue's numbers over the period asked for, for its members."""
    venue = await access.member_venue(uow, command.venue_id, actor)
    start, end = period(command.start, command.end)
    report = await build(uow, venue, start, end)
    weeks = await weekly(uow, venue, start, end) if command.weekly else []
    return VenueReport(venue, report, weeks)


def period(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """The period asked for: `to` defaults to now, `from` to 30 days before `to`."""
    finish = end or datetime.now(UTC)
    begin = start or finish - timedelta(days=DEFAULT_REPORT_DAYS)
    if finish < begin:
        raise FieldError("to", "date_order", location="query")
    if finish - begin > timedelta(days=MAX_REPORT_DAYS):
        raise FieldError("to", "range_too_long", location="query", max_days=MAX_REPORT_DAYS)
    return begin, finish


async def weekly(
    session: UnitOfWork, venue: Venue, start: datetime, end: datetime
) -> list[tuple[datetime, int, int]]:
    """(week start, received, returned) for each week of the period, for charts."""
    rows = await session.execute(_WEEKLY, {"venue": venue.id, "start": start, "end": end})
    return [(week, received, returned) for week, received, returned in rows]


def _hours(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


async def build(session: UnitOfWork, venue: Venue, start: datetime, end: datetime) -> ReportOut:
    bounds = {"venue": venue.id, "start": start, "end": end}
    totals = (0, 0, 0)
    categories: list[CategoryRow] = []
    places: list[StorageRow] = []
    for level, category, place, *counts in await session.execute(_EVENTS, bounds):
        received, returned, disposed = counts
        if level == TOTAL:
            totals = (received, returned, disposed)
        elif level == CATEGORY:
            categories.append(
                CategoryRow(
                    category=category, received=received, returned=returned, disposed=disposed
                )
            )
        else:
            places.append(
                StorageRow(
                    storage_location=place, received=received, returned=returned, disposed=disposed
                )
            )
    intake = (await session.execute(_INTAKE, bounds)).one()
    claimed = await session.scalar(_CLAIMED, bounds)
    received, matched, intake_returned, first_match, to_return = intake
    return ReportOut(
        venue_id=venue.id,
        period=Period(from_=start, to=end),
        received=received,
        matched=matched,
        claimed=int(claimed or 0),
        returned=totals[1],
        disposed=totals[2],
        intake_returned=intake_returned,
        return_rate=round(intake_returned / received, 4) if received else None,
        median_hours_to_first_match=_hours(first_match),
        median_hours_to_return=_hours(to_return),
        by_category=sorted(categories, key=lambda row: (-row.received, row.category)),
        by_storage_location=sorted(
            places, key=lambda row: (-row.received, row.storage_location or "")
        ),
    )


CSV_COLUMNS = (
    "from",
    "to",
    "group",
    "name",
    "received",
    "returned",
    "disposed",
    "matched",
    "claimed",
    "intake_returned",
    "return_rate",
    "median_hours_to_first_match",
    "median_hours_to_return",
)
# A spreadsheet runs a cell that starts with one of these as a formula; storage places are
# typed by staff, so each text cell is defused with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def _counts(row: CategoryRow | StorageRow) -> tuple[int, int, int]:
    return row.received, row.returned, row.disposed


def to_csv(report: ReportOut) -> str:
    """One header row, the totals row, then a row per category and per storage place (the
    columns that only the totals have are left empty there). With a BOM, so that Excel reads
    Arabic text as UTF-8."""
    period = (report.period.from_.isoformat(), report.period.to.isoformat())
    rows: list[tuple[object, ...]] = [
        (
            *period,
            "total",
            "",
            report.received,
            report.returned,
            report.disposed,
            report.matched,
            report.claimed,
            report.intake_returned,
            report.return_rate,
            report.median_hours_to_first_match,
            report.median_hours_to_return,
        )
    ]
    rows += [(*period, "category", row.category, *_counts(row)) for row in report.by_category]
    rows += [
        (
            *period,
            "storage_location",
            row.storage_location,
            row.received,
            row.returned,
            row.disposed,
        )
        for row in report.by_storage_location
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        padded = (*row, *([None] * (len(CSV_COLUMNS) - len(row))))
        writer.writerow([_cell(value) for value in padded])
    return "\ufeff" + out.getvalue()


def csv_filename(report: ReportOut) -> str:
    return f"venue-report-{report.period.from_:%Y-%m-%d}-{report.period.to:%Y-%m-%d}.csv"
