"""Claims as the API shows them: to their claimant, or to the finder side (with the item's
control details beside the answers)."""

from __future__ import annotations

from mafqood.items.models import Item
from mafqood.items.photo_access import PhotoAccess, shown_key
from mafqood.lifecycle.models import Claim
from mafqood.lifecycle.schemas import ClaimantOut, ClaimItemOut, ClaimOut, ClaimReviewOut
from mafqood.lifecycle.statuses import ClaimStatus
from mafqood.photos.service import photo_urls
from mafqood.storage import Storage
from mafqood.users.models import User


def claim_out(
    claim: Claim, item: Item, storage: Storage, access: PhotoAccess | None = None
) -> ClaimOut:
    """As its claimant sees it (unless `access` says whose view): the item's photo of a
    document as taken only once the claim is approved."""
    if access is None:
        approved = frozenset({item.id}) if claim.status == ClaimStatus.APPROVED else frozenset()
        access = PhotoAccess(user_id=claim.claimant_id, approved_items=approved)
    thumbnail = item.thumbnail_url
    if item.image_key:
        views = item.__dict__.get("photos") or []
        main = views[0] if views and views[0].image_key == item.image_key else None
        thumbnail = photo_urls(storage, shown_key(item, main, item.image_key, access))[1]
    return ClaimOut(
        id=claim.id,
        item=ClaimItemOut(
            id=item.id,
            title=item.title,
            category=item.category,
            status=item.status,
            thumbnail_url=thumbnail,
            venue_verified=item.venue_verified,
        ),
        lost_item_id=claim.lost_item_id,
        answers=claim.answers,
        status=claim.status,
        reason=claim.reason,
        decided_at=claim.decided_at,
        created_at=claim.created_at,
        updated_at=claim.updated_at,
    )


def review_out(claim: Claim, item: Item, claimant: User, storage: Storage) -> ClaimReviewOut:
    """For the finder side: the claimant's contact only once the claim is approved."""
    approved = claim.status == ClaimStatus.APPROVED
    contact = (claimant.phone or claimant.email) if approved else None
    return ClaimReviewOut(
        **claim_out(claim, item, storage, PhotoAccess.holder(item)).model_dump(),
        control_details=item.control_details,
        tag_code=item.tag_code,
        claimant=ClaimantOut(id=claimant.id, full_name=claimant.full_name, contact=contact),
        decided_by=claim.decided_by,
        held_for_review=claim.held_for_review,
    )
