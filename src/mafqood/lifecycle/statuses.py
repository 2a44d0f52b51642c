"""The statuses of a found item's life and the moves between them.

The values are the strings stored in the database and shown by the API. Each kind of row has
one table of moves; a status changes only through its table's `move`, which refuses a move
the table does not hold with the error the API answers for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Flag, StrEnum, auto
from typing import Generic, Protocol, TypeVar

from mafqood.core.errors import AppError, Conflict


class ItemStatus(StrEnum):
    """A lost or found report."""

    OPEN = "open"
    MATCHED = "matched"
    CLOSED = "closed"
    CLAIMED = "claimed"


class MatchStatus(StrEnum):
    """A match between a lost and a found report."""

    PENDING = "pending"
    CONTACTED = "contacted"
    CLAIMED = "claimed"
    REJECTED = "rejected"
    EXPIRED = "expired"


class ClaimStatus(StrEnum):
    """A claim on a found item."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class By(Flag):
    """Who makes a move: the report's owner asking for a status by name, or what happens to
    the item (a match answered, a claim decided, a handover, a disposal, time passing)."""

    EVENT = auto()
    OWNER = auto()
    EITHER = EVENT | OWNER


class MatchClosed(AppError):
    status_code = 409
    code = "match_closed"


class HasStatus(Protocol):
    status: str


S = TypeVar("S", bound=StrEnum)


class Transitions(Generic[S]):
    def __init__(
        self,
        kind: type[S],
        table: Mapping[S, Mapping[S, By]],
        refusal: Callable[[str, S], AppError],
    ) -> None:
        self.kind = kind
        self.table = table
        self._refusal = refusal

    def allows(self, current: str, to: S, by: By = By.EVENT) -> bool:
        return bool(self.table[self.kind(current)].get(to, By(0)) & by)

    def check(self, row: HasStatus, to: S, by: By = By.EVENT) -> None:
        if not self.allows(row.status, to, by):
            raise self._refusal(row.status, to)

    def move(self, row: HasStatus, to: S, by: By = By.EVENT) -> None:
        self.check(row, to, by)
        row.status = to.value

    def sources(self, to: S, by: By = By.EVENT) -> list[S]:
        """The statuses from which `to` may be reached: for a statement that moves many rows."""
        return [current for current, moves in self.table.items() if moves.get(to, By(0)) & by]


def _invalid_item_move(current: str, requested: ItemStatus) -> AppError:
    return Conflict(
        "invalid_status_transition", params={"current": current, "requested": requested.value}
    )


# "matched" follows from shared contacts (two yeses, or an approved claim), never from the
# owner's asking; a handover makes even a closed report "claimed"; "claimed" is final.
ITEM = Transitions(
    ItemStatus,
    {
        ItemStatus.OPEN: {
            ItemStatus.MATCHED: By.EVENT,
            ItemStatus.CLOSED: By.EITHER,
            ItemStatus.CLAIMED: By.EITHER,
        },
        ItemStatus.MATCHED: {
            ItemStatus.OPEN: By.EITHER,
            ItemStatus.CLOSED: By.EITHER,
            ItemStatus.CLAIMED: By.EITHER,
        },
        ItemStatus.CLOSED: {ItemStatus.OPEN: By.OWNER, ItemStatus.CLAIMED: By.EVENT},
        ItemStatus.CLAIMED: {},
    },
    _invalid_item_move,
)

# A match is answered while a no could still close it (pending, contacted). An approved
# claim shares contacts on its match even after a no or an expiry, and a handover to the
# claimant makes their match "claimed" whatever it was.
MATCH = Transitions(
    MatchStatus,
    {
        MatchStatus.PENDING: {
            MatchStatus.CONTACTED: By.EVENT,
            MatchStatus.REJECTED: By.EVENT,
            MatchStatus.EXPIRED: By.EVENT,
            MatchStatus.CLAIMED: By.EVENT,
        },
        MatchStatus.CONTACTED: {MatchStatus.REJECTED: By.EVENT, MatchStatus.CLAIMED: By.EVENT},
        MatchStatus.REJECTED: {MatchStatus.CONTACTED: By.EVENT, MatchStatus.CLAIMED: By.EVENT},
        MatchStatus.EXPIRED: {MatchStatus.CONTACTED: By.EVENT, MatchStatus.CLAIMED: By.EVENT},
        MatchStatus.CLAIMED: {},
    },
    lambda current, to: MatchClosed(),
)

# A claim is decided once.
CLAIM = Transitions(
    ClaimStatus,
    {
        ClaimStatus.PENDING: {ClaimStatus.APPROVED: By.EVENT, ClaimStatus.REJECTED: By.EVENT},
        ClaimStatus.APPROVED: {},
        ClaimStatus.REJECTED: {},
    },
    lambda current, to: Conflict("claim_decided"),
)

# A found item still held by its finder side: it may be claimed, handed over or disposed of.
HELD = (ItemStatus.OPEN, ItemStatus.MATCHED)
# The two sides of a match in these have each other's contact details.
CONTACTS_SHARED = (MatchStatus.CONTACTED, MatchStatus.CLAIMED)
# Matches no longer shown unless asked for.
MATCH_CLOSED = (MatchStatus.REJECTED, MatchStatus.EXPIRED)
