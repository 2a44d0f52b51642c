"""Pages of a list: the `page` and `page_size` query parameters every listing takes, and the
`pagination` object of its answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query
from pydantic import BaseModel

# Deep offsets cost the database more than anyone pages through.
MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]


class Pagination(BaseModel):
    page: int
    page_size: int
    total: int
    has_more: bool


@dataclass(frozen=True)
class Page:
    """Which page of a list was asked for (numbered from 1)."""

    number: int
    size: int

    def has_more(self, total: int) -> bool:
        return self.number * self.size < total

    def answer(self, total: int) -> Pagination:
        return Pagination(
            page=self.number, page_size=self.size, total=total, has_more=self.has_more(total)
        )


async def requested_page(page: PageNumber = 1, page_size: PageSize = DEFAULT_PAGE_SIZE) -> Page:
    return Page(page, page_size)


PageDep = Annotated[Page, Depends(requested_page)]
