"""Which file of a report's photo a viewer is given: the photo as taken, its masked copy, or
the placeholder.

A view is a photo of a document when the report's category is one (DOCUMENT_CATEGORIES), its
analysis chose one, or the analysis saw a document in that view. Such a view is shown as
taken only to those who hold the item (its reporter; for a venue's found item, the venue's
members) and to a claimant whose claim on it was approved; everyone else is given the masked
copy a vision worker made (text, identifiers and faces painted over) and, until it exists,
the placeholder. A report sent without a category is treated so until its analysis has said
what it shows. Every key of a report's photo carries 128 random bits (items/photos.py), and
a worker that masks a view moves its photo to new keys (matching/redaction.py), so the photo
as taken is reached only through a URL given by this rule.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from mafqood.items.listing import ListedItem, ListedPhoto
from mafqood.items.models import Item, ItemPhoto
from mafqood.items.vocabulary import DOCUMENT_CATEGORIES
from mafqood.photos.placeholder import WITHHELD_KEY


@dataclass(frozen=True)
class PhotoAccess:
    """Whose photos of documents a viewer sees as taken (lifecycle.access.photo_access builds
    it for a signed-in viewer)."""

    user_id: uuid.UUID | None = None
    venue_ids: frozenset[uuid.UUID] = frozenset()
    # Found items on which the viewer's claim was approved.
    approved_items: frozenset[uuid.UUID] = frozenset()

    @classmethod
    def holder(cls, item: Item) -> PhotoAccess:
        """The item's own side: its reporter, and its venue's members."""
        venues = frozenset({item.venue_id}) if item.venue_id else frozenset()
        return cls(user_id=item.user_id, venue_ids=venues)

    def sees_original(self, item: Report) -> bool:
        return (
            (self.user_id is not None and item.user_id == self.user_id)
            or (item.venue_id is not None and item.venue_id in self.venue_ids)
            or item.id in self.approved_items
        )


PUBLIC = PhotoAccess()

# A report as loaded (items/models.py) or as a page of reports reads it (items/listing.py).
Report = Item | ListedItem
View = ItemPhoto | ListedPhoto


def document_report(item: Report) -> bool:
    """The report's category, chosen or guessed, is a document's."""
    return item.category in DOCUMENT_CATEGORIES or item.ai_category in DOCUMENT_CATEGORIES


def shows_document(item: Report, view: View | None) -> bool:
    """The view is a photo of a document (what a vision worker masks)."""
    return document_report(item) or (view is not None and view.shows_document)


def kept_back(item: Report, view: View | None) -> bool:
    """Others may not see the view as taken: a document, or not yet known not to be one."""
    undecided = not item.category_given and item.analysis_status == "pending"
    return undecided or shows_document(item, view)


def shown_key(item: Report, view: View | None, image_key: str, access: PhotoAccess) -> str:
    """The base key of the files that `access` is given for the view stored at image_key."""
    if not kept_back(item, view) or access.sees_original(item):
        return image_key
    if view is not None and view.redacted_key and shows_document(item, view):
        return view.redacted_key
    return WITHHELD_KEY
