"""Every listing of the API pages alike: the same parameters, limits and defaults."""

from __future__ import annotations

from mafqood.docs.generate import openapi_document

PAGE = {"type": "integer", "minimum": 1, "maximum": 10_000, "default": 1, "title": "Page"}
PAGE_SIZE = {"type": "integer", "minimum": 1, "maximum": 100, "default": 20, "title": "Page Size"}


def test_every_listing_takes_the_same_page_parameters() -> None:
    listings = []
    for path, operations in openapi_document()["paths"].items():
        for method, operation in operations.items():
            query = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
            if "page" in query or "page_size" in query:
                listings.append(f"{method.upper()} {path}")
                assert query["page"]["schema"] == PAGE, path
                assert query["page_size"]["schema"] == PAGE_SIZE, path
    assert sorted(listings) == [
        "GET /api/v1/claims",
        "GET /api/v1/history",
        "GET /api/v1/items",
        "GET /api/v1/items/{item_id}/claims",
        "GET /api/v1/notifications",
        "GET /api/v1/threads",
        "GET /api/v1/venues/{venue_id}/claims",
        "GET /api/v1/venues/{venue_id}/disposals",
        "GET /api/v1/venues/{venue_id}/disposals/due",
        "GET /api/v1/venues/{venue_id}/items",
    ]
