"""What matching keeps of a document: never its text, never an identifier in clear."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from mafqood.core.db import Base
from mafqood.documents.facts import Facts

SOURCES = ("photo", "report")


class ItemDocument(Base):
    """A report's document facts: read from its photo by a vision worker (source "photo"),
    or stated by the owner of a lost report (source "report", hidden from everyone)."""

    __tablename__ = "item_documents"

    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(20))
    issuer: Mapped[str | None] = mapped_column(String(64))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    # The last four characters of the identifier read, shown masked to the venue's staff.
    identifier_last4: Mapped[str | None] = mapped_column(String(4))
    # HMAC-SHA256 (hex) of each identifier under each active key (documents/digests.py).
    digests: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    name_tokens: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    # Which fields were read or stated (number, name, mrz...): what staff are shown.
    fields: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

    @classmethod
    def of(
        cls, item_id: uuid.UUID, source: str, facts: Facts, identifier_last4: str | None = None
    ) -> ItemDocument:
        return cls(
            item_id=item_id,
            source=source,
            kind=facts.kind,
            issuer=facts.issuer,
            card_last4=facts.card_last4,
            identifier_last4=identifier_last4,
            digests=list(facts.digests),
            name_tokens=list(facts.name_tokens),
            fields=list(facts.fields),
        )


class DocumentNotice(Base):
    """An account told privately that a document with its name was handed in: one per
    account and document, and the rows bound how many each may get."""

    __tablename__ = "document_notices"

    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
