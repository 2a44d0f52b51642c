"""The events the app receives on its socket, in the shapes the app expects.

Every event is a JSON object with a `type`. Events that come with a notification also carry
`notification` ({id, type, title, message}) so the app can show it and mark it read.
"""

from __future__ import annotations

import uuid
from typing import Any


def new_match(
    match_id: uuid.UUID, item_id: uuid.UUID, similarity: float, confidence: str | None
) -> dict[str, Any]:
    """item_id: the recipient's own item that got the match."""
    return {
        "type": "new_match",
        "match": {
            "id": str(match_id),
            "item_id": str(item_id),
            "similarity": round(float(similarity), 4),
            "confidence": confidence,
        },
    }


def match_confirmed(match_id: uuid.UUID, other_name: str, contact: str | None) -> dict[str, Any]:
    return {
        "type": "match_confirmed",
        "match_id": str(match_id),
        "other_user": {"name": other_name, "contact": contact},
    }


def item_status(item_id: uuid.UUID, status: str) -> dict[str, Any]:
    return {"type": "item_status", "item_id": str(item_id), "status": status}


def item_analysed(
    item_id: uuid.UUID, status: str, error: str | None, new_matches: int
) -> dict[str, Any]:
    """To the report's owner: the vision workers finished with it (status done or failed);
    new_matches of them also come as `new_match` events to both owners."""
    return {
        "type": "item_analysed",
        "item_id": str(item_id),
        "analysis_status": status,
        "analysis_error": error,
        "new_matches": new_matches,
    }
