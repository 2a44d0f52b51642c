"""A first venue and its owner from the command line (`mafqood create-venue`), so that a
fresh service has someone who can sign in to the staff dashboard and invite the rest."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from mafqood.auth import service as auth
from mafqood.auth.ports import AuthServices
from mafqood.auth.schemas import RegisterIn
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.users.models import User
from mafqood.venues import service
from mafqood.venues.commands import CreateVenue
from mafqood.venues.schemas import VenueIn

COMMAND_LINE = ClientInfo(ip=None, user_agent="mafqood create-venue")


@dataclass(frozen=True)
class Created:
    venue_id: str
    owner_email: str
    new_account: bool


async def create_venue_with_owner(
    uow: UnitOfWork,
    auth_services: AuthServices,
    venue: VenueIn,
    email: str,
    full_name: str,
    password: str | None,
) -> Created:
    """The owner is the account with this email, made first (with `password`) when there
    is none."""
    owner = await uow.scalar(select(User).where(User.email == email.lower()))
    new_account = owner is None
    if owner is None:
        data = RegisterIn(email=email, password=password or "", full_name=full_name)
        owner = (await auth.register(uow, auth_services, data, COMMAND_LINE)).user
    created = await service.create_venue(uow, owner, CreateVenue(venue, COMMAND_LINE))
    # The operator runs this command for a place they know: no administrator's check waits.
    service.mark_verified(created, None, "Created by the operator with mafqood create-venue")
    await uow.flush()
    return Created(str(created.id), owner.email, new_account)
