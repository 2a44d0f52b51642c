"""Claims as the API shows them: to their claimant, or to the finder side (with the item's
control details beside the answers)."""

from __future__ import annotations

from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim
from mafqood.lifecycle.schemas import ClaimantOut, ClaimItemOut, ClaimOut, ClaimReviewOut
from mafqood.lifecycle.statuses import ClaimStatus
from mafqood.photos.service import photo_urls
from mafqood.storage import Storage
from mafqood.users.models import User


def claim_out(claim: Claim, item: Item, storage: Storage) -> ClaimOut:
    thumbnail = photo_urls(storage, item.image_key)[1] if item.image_key else item.thumbnail_url
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
        **claim_out(claim, item, storage).model_dump(),
        control_details=item.control_details,
        tag_code=item.tag_code,
        claimant=ClaimantOut(id=claimant.id, full_name=claimant.full_name, contact=contact),
        decided_by=claim.decided_by,
        held_for_review=claim.held_for_review,
    )
