"""What the vision models make of a report, and how that is written on its row. One mapping,
used by the vision worker (new reports) and by reindex (after a model change)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy import delete

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.documents import facts
from mafqood.documents.models import ItemDocument
from mafqood.items.models import Item, ItemObjectVector
from mafqood.items.vocabulary import DOCUMENT_CATEGORIES
from mafqood.observability.metrics import observe_inference
from mafqood.vision import ImageAnalysis, VisionPipeline
from mafqood.vision.pipeline import OBJECT_CROPS
from mafqood.vision.reading import DocumentReading, read_brand_text, read_document
from mafqood.vision.text import item_text

OCR_MODEL = "tesseract"


@dataclass(frozen=True)
class ReportAnalysis:
    image: ImageAnalysis | None  # the main photo's; None for a report without a photo
    text_vector: np.ndarray[Any, Any]
    # Every photo's, main first (a report has up to five views).
    views: tuple[ImageAnalysis, ...] = ()
    # What the main photo of a document says (None: not read as a document).
    document: DocumentReading | None = None

    @property
    def all_views(self) -> tuple[ImageAnalysis, ...]:
        return self.views or ((self.image,) if self.image is not None else ())


def _open(photo: bytes) -> Image.Image:
    with Image.open(io.BytesIO(photo)) as opened:
        return opened.convert("RGB")


def is_document(item: Item, image: ImageAnalysis | None = None) -> bool:
    """Whether the report is of a document or card: by its category, or, sent without one,
    by its photo's."""
    if item.category in DOCUMENT_CATEGORIES:
        return True
    suggested = image.suggested_category if image is not None else item.ai_category
    return not item.category_given and suggested in DOCUMENT_CATEGORIES


def analyse_reports(
    vision: VisionPipeline,
    photos: Sequence[Sequence[bytes]],
    items: Sequence[Item],
    *,
    read_text: bool = True,
    read_documents: bool = True,
) -> list[ReportAnalysis]:
    """Each item's photos (main first). CPU-bound (run it in a thread). The image model sees
    the batch at once, which a GPU is fast at. With `read_text`, a document's main photo is
    read (when `read_documents`) and the brand words of other items' main photos join their
    text when the report names no brand. Raises
    OSError (PIL's) for a photo that cannot be decoded."""
    images = [_open(photo) for views in photos for photo in views]
    analyses: list[ImageAnalysis] = []
    if images:
        with observe_inference(vision.image_model):
            analyses = vision.analyse_many(images)
    texts, readings, start = [], [], 0
    for item, views in zip(items, photos, strict=True):
        reading: DocumentReading | None = None
        words: list[str] = []
        if views and read_text:  # a lost report without a photo has nothing to read
            main, image = images[start], analyses[start]
            if is_document(item, image):
                if read_documents:
                    with observe_inference(OCR_MODEL):
                        reading = read_document(main)
            elif not item.brand:
                # A brand the reporter wrote is already in the text: the photo's words are
                # read only for reports without one (each read costs about 0.15 s).
                with observe_inference(OCR_MODEL):
                    words = read_brand_text(main)
        start += len(views)
        readings.append(reading)
        brand = " ".join(filter(None, [item.brand, *words])) or None
        texts.append(item_text(item.title, item.description, brand, item.color))
    with observe_inference(vision.text_model):
        vectors = vision.embed_texts(texts)
    reports, start = [], 0
    for views, vector, reading in zip(photos, vectors, readings, strict=True):
        own = tuple(analyses[start : start + len(views)])
        start += len(views)
        reports.append(ReportAnalysis(own[0] if own else None, vector, own, reading))
    return reports


async def save(
    session: UnitOfWork,
    item: Item,
    analysis: ReportAnalysis,
    vision: VisionPipeline,
    secrets: Sequence[str] = (),
) -> None:
    """Write the analysis on the report's rows (in the caller's transaction); what a
    document's photo says (with `secrets` to hash its identifiers under) replaces what was
    read before."""
    _apply(item, analysis, vision)
    if analysis.document is not None and secrets:
        await store_reading(session, item, analysis.document, secrets)
    await session.execute(delete(ItemObjectVector).where(ItemObjectVector.item_id == item.id))
    session.add_all(
        ItemObjectVector(item_id=item.id, position=position, crop=crop, embedding=vector)
        for position, view in enumerate(analysis.all_views)
        for crop, vector in zip(OBJECT_CROPS, view.object_vectors, strict=True)
    )
    await session.flush()


def _apply(item: Item, analysis: ReportAnalysis, vision: VisionPipeline) -> None:
    """Write the analysis on the items and photo rows. A report sent without a category
    takes the photo's; one without a photo has its text vector only."""
    item.text_embedding = analysis.text_vector
    item.text_model = vision.text_model
    image = analysis.image
    if image is None:
        return
    item.image_embedding = image.image_vector
    item.image_model = image.image_model
    item.local_features = image.local_features
    item.detected_objects = image.detected_objects
    item.ai_category = image.suggested_category
    if not item.category_given:
        item.category = image.suggested_category or "other"
    item.category_conflict = item.category_given and image.contradicts(item.category)
    for row, view in zip(item.photos, analysis.all_views, strict=False):
        row.image_embedding = view.image_vector
        row.local_features = view.local_features
        row.shows_document = view.suggested_category in DOCUMENT_CATEGORIES


def view_keys(item: Item) -> list[str]:
    """Storage keys of the report's photos, main first; none for a report without a photo."""
    keys = [f"{row.image_key}.jpg" for row in item.photos]
    if not keys and item.image_key:
        keys = [f"{item.image_key}.jpg"]
    return keys


async def store_reading(
    session: UnitOfWork, item: Item, reading: DocumentReading, secrets: Sequence[str]
) -> None:
    """Replace the facts read on the report's photo: identifiers hashed, nothing in clear."""
    await session.execute(
        delete(ItemDocument).where(ItemDocument.item_id == item.id, ItemDocument.source == "photo")
    )
    if reading.empty and reading.kind is None:
        return
    read = facts.read(
        reading.kind,
        reading.issuer,
        reading.identifiers,
        reading.card_last4,
        reading.name_tokens,
        reading.fields,
        secrets,
    )
    last4 = reading.identifiers[0][-4:] if reading.identifiers else None
    session.add(ItemDocument.of(item.id, "photo", read, last4))
