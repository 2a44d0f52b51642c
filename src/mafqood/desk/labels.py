"""Printable labels for a desk's items: the tag code, large, and a QR code of it, as PNG or
PDF (sized for a 62 mm label printer roll at 300 dpi)."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Literal

import segno
from PIL import Image, ImageDraw, ImageFont

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.desk.inventory import ItemRef, find_item
from mafqood.items.models import Item
from mafqood.users.models import User

LabelFormat = Literal["png", "pdf"]
WIDTH, HEIGHT = 732, 354  # 62 x 30 mm at 300 dpi
DPI = 300


@dataclass(frozen=True)
class PrintLabel:
    venue_id: uuid.UUID
    item_id: uuid.UUID
    kind: LabelFormat


@dataclass(frozen=True)
class Label:
    content: bytes
    media_type: str
    filename: str


async def print_label(uow: UnitOfWork, actor: User, command: PrintLabel) -> Label:
    """The label of one of the venue's items, for its members."""
    _, item = await find_item(uow, actor, ItemRef(command.venue_id, command.item_id))
    return Label(
        render(item, command.kind),
        "application/pdf" if command.kind == "pdf" else "image/png",
        f"label-{item.tag_code}.{command.kind}",
    )


def qr_payload(item: Item) -> str:
    """What a scanner reads: the tag code, which the inventory search finds."""
    return f"MAFQOOD:{item.tag_code}"


def render(item: Item, kind: LabelFormat) -> bytes:
    qr_buffer = io.BytesIO()
    segno.make(qr_payload(item), error="m").save(qr_buffer, kind="png", scale=10, border=2)
    qr = Image.open(io.BytesIO(qr_buffer.getvalue())).convert("L")
    qr = qr.resize((HEIGHT - 20, HEIGHT - 20), Image.Resampling.NEAREST)
    label = Image.new("L", (WIDTH, HEIGHT), 255)
    label.paste(qr, (10, 10))
    draw = ImageDraw.Draw(label)
    left = HEIGHT + 5
    draw.text((left, 40), item.tag_code or "", fill=0, font=ImageFont.load_default(size=64))
    small = ImageFont.load_default(size=30)
    draw.text((left, 140), item.date_time.strftime("%Y-%m-%d"), fill=0, font=small)
    draw.text((left, 190), item.category, fill=0, font=small)
    output = io.BytesIO()
    if kind == "pdf":
        label.save(output, format="PDF", resolution=DPI)
    else:
        label.save(output, format="PNG", dpi=(DPI, DPI))
    return output.getvalue()
