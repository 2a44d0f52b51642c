"""Documents matched by what they say: the reports whose document facts meet a report's (the
same identifier hash, or the stated name on a document of the same kind and issuer), found
whatever their photos look like, and what the facts say about a pair."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, or_, select, text
from sqlalchemy.dialects.postgresql import insert

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.documents.facts import Facts
from mafqood.documents.models import DocumentNotice, ItemDocument
from mafqood.items.models import Item
from mafqood.matching.search import Query, SearchWindow, filters
from mafqood.notifications.service import notify
from mafqood.users.models import User

# Reports fetched by their document facts alone, besides the neighbours by looks and text.
MAX_DOCUMENT_CANDIDATES = 20


async def facts_of(session: UnitOfWork, item_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Facts]:
    """Each report's document facts (what its photo showed and its owner stated, merged)."""
    ids = list(set(item_ids))
    if not ids:
        return {}
    rows = await session.execute(select(ItemDocument).where(ItemDocument.item_id.in_(ids)))
    grouped: dict[uuid.UUID, list[ItemDocument]] = {}
    for row in rows.scalars():
        grouped.setdefault(row.item_id, []).append(row)
    return {item_id: Facts.merge(rows) for item_id, rows in grouped.items()}


async def candidate_ids(
    session: UnitOfWork, query: Query, facts: Facts, window: SearchWindow
) -> list[uuid.UUID]:
    """Reports of the other side whose facts could meet these: any shared identifier hash,
    or the lost side's stated name (two tokens at least) within the found side's. Any
    category: a document reported as "id" and handed in as "documents" is still one."""
    conditions = []
    if facts.digests:
        conditions.append(ItemDocument.digests.overlap(list(facts.digests)))
    if len(facts.name_tokens) >= 2:
        tokens = list(facts.name_tokens)
        if query.type == "lost":
            conditions.append(ItemDocument.name_tokens.contains(tokens))
        else:
            conditions.append(
                ItemDocument.name_tokens.contained_by(tokens)
                & (func.cardinality(ItemDocument.name_tokens) >= 2)
            )
    if not conditions:
        return []
    anywhere = replace(query, category="other")
    rows = await session.execute(
        select(ItemDocument.item_id)
        .join(Item, Item.id == ItemDocument.item_id)
        .where(*filters(anywhere, window), or_(*conditions))
        .order_by(ItemDocument.digests.overlap(list(facts.digests)).desc(), Item.date_time.desc())
        .limit(MAX_DOCUMENT_CANDIDATES)
    )
    found: list[uuid.UUID] = []
    for item_id in rows.scalars():
        if item_id not in found:
            found.append(item_id)
    return found


# Owners told of a found document with their name (those who opted in): at most this many
# accounts per document (more means a common name: nobody is told, since each would learn
# little and fishing would learn more), and at most this many notices per account in
# NOTICE_PERIOD.
NOTICE_ACCOUNTS_PER_DOCUMENT = 3
NOTICES_PER_ACCOUNT = 3
NOTICE_PERIOD = timedelta(days=30)
DOCUMENT_NOTICE = "notify.document_found"


async def tell_owners(session: UnitOfWork, item: Item) -> list[uuid.UUID]:
    """Tell privately each account that opted in and whose name, as entered, is the name
    read on this found document, that it was handed in and how to claim it. The notice
    says where, never what was read. Returns the accounts told (each once per document)."""
    if item.type != "found" or item.is_hidden:
        return []
    facts = (await facts_of(session, [item.id])).get(item.id)
    if facts is None or len(facts.name_tokens) < 2:
        return []
    rows = await session.execute(
        select(User.id)
        .where(
            User.document_notices.is_(True),
            User.is_active.is_(True),
            User.id != item.user_id,
            func.cardinality(User.name_tokens) >= 2,
            User.name_tokens.contained_by(list(facts.name_tokens)),
        )
        .limit(NOTICE_ACCOUNTS_PER_DOCUMENT + 1)
    )
    owners = list(rows.scalars())
    if len(owners) > NOTICE_ACCOUNTS_PER_DOCUMENT:
        return []
    told = []
    for user_id in owners:
        # One at a time per account, so that two documents at once cannot both pass the
        # bound.
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"document-notice:{user_id}"},
        )
        recent = await session.scalar(
            select(func.count())
            .select_from(DocumentNotice)
            .where(
                DocumentNotice.user_id == user_id,
                DocumentNotice.created_at > func.now() - NOTICE_PERIOD,
            )
        )
        if (recent or 0) >= NOTICES_PER_ACCOUNT:
            continue
        added = await session.execute(
            insert(DocumentNotice)
            .values(item_id=item.id, user_id=user_id)
            .on_conflict_do_nothing()
            .returning(DocumentNotice.user_id)
        )
        if added.scalar_one_or_none() is None:
            continue  # told already (this job ran before)
        await notify(session, user_id, "system", DOCUMENT_NOTICE,
                     params={"location": item.location}, item_id=item.id)  # fmt: skip
        told.append(user_id)
    return told
