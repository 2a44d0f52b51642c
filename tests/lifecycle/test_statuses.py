"""The statuses of a found item's life: the values the database and the API know, and the moves
each table allows (the HTTP tests show each move's effects)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import get_args

import pytest
from sqlalchemy import text

from mafqood.composition.container import Container
from mafqood.core.errors import AppError
from mafqood.items.schemas import ItemStatus as ApiItemStatus
from mafqood.lifecycle.schemas import ClaimStatusName
from mafqood.lifecycle.statuses import (
    CLAIM,
    ITEM,
    MATCH,
    By,
    ClaimStatus,
    ItemStatus,
    MatchStatus,
    Transitions,
)


@dataclass
class Row:
    status: str


def test_the_api_names_the_same_statuses() -> None:
    assert set(get_args(ApiItemStatus)) == set(ItemStatus)
    assert set(get_args(ClaimStatusName)) == set(ClaimStatus)


@pytest.mark.parametrize(
    ("constraint", "kind"),
    [
        ("ck_items_status", ItemStatus),
        ("ck_matches_status", MatchStatus),
        ("ck_claims_status", ClaimStatus),
    ],
)
async def test_the_database_allows_the_same_statuses(
    container: Container, constraint: str, kind: type[StrEnum]
) -> None:
    async with container.engine.connect() as connection:
        definition = await connection.scalar(
            text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = :name"),
            {"name": constraint},
        )
    assert definition is not None
    assert set(re.findall(r"'(\w+)'", definition)) == set(kind)


def test_every_table_covers_its_statuses() -> None:
    for table in (ITEM, MATCH, CLAIM):
        assert set(table.table) == set(table.kind)


def moves(table: Transitions[ItemStatus], by: By) -> set[tuple[str, str]]:
    return {
        (current.value, to.value)
        for current in ItemStatus
        for to in ItemStatus
        if table.allows(current, to, by)
    }


def test_an_owner_asks_for_what_they_always_could() -> None:
    assert moves(ITEM, By.OWNER) == {
        ("open", "closed"),
        ("open", "claimed"),
        ("matched", "open"),
        ("matched", "closed"),
        ("matched", "claimed"),
        ("closed", "open"),
    }


def test_matched_comes_only_from_shared_contacts() -> None:
    assert not ITEM.allows("open", ItemStatus.MATCHED, By.OWNER)
    assert ITEM.allows("open", ItemStatus.MATCHED)
    # A handover makes a closed report claimed; its owner must reopen it first.
    assert ITEM.allows("closed", ItemStatus.CLAIMED)
    assert not ITEM.allows("closed", ItemStatus.CLAIMED, By.OWNER)


def test_a_refused_move_is_the_error_the_api_answers() -> None:
    row = Row("claimed")
    with pytest.raises(AppError) as refused:
        ITEM.move(row, ItemStatus.OPEN, By.OWNER)
    assert (refused.value.status_code, refused.value.code) == (409, "invalid_status_transition")
    assert refused.value.params == {"current": "claimed", "requested": "open"}
    assert row.status == "claimed"

    for status in ("rejected", "expired", "claimed"):
        with pytest.raises(AppError) as closed:
            MATCH.check(Row(status), MatchStatus.REJECTED)
        assert (closed.value.status_code, closed.value.code) == (409, "match_closed")

    for status in ("approved", "rejected"):
        with pytest.raises(AppError) as decided:
            CLAIM.move(Row(status), ClaimStatus.APPROVED)
        assert (decided.value.status_code, decided.value.code) == (409, "claim_decided")


def test_a_move_stores_the_plain_string() -> None:
    row = Row("pending")
    CLAIM.move(row, ClaimStatus.APPROVED)
    assert row.status == "approved" and type(row.status) is str


def test_only_pending_matches_expire() -> None:
    assert MATCH.sources(MatchStatus.EXPIRED) == [MatchStatus.PENDING]
