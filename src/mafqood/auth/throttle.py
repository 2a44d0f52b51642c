"""Per-account limits of sign-in and password reset, which per-address limits cannot give: a
guesser spread over many addresses, or a flood of reset mail to one mailbox from many.

The subject is the normalised email, hashed (Redis never holds addresses), and it is counted
whether or not an account has that email, so neither the answers nor their timing tell which
accounts exist. Both fall back to a count in the process while Redis is unreachable.
"""

from __future__ import annotations

import hashlib
import math

from sqlalchemy import select

from mafqood.auth.ports import AuthServices
from mafqood.core.errors import RateLimited
from mafqood.core.i18n import language_or_default, translate
from mafqood.core.rates import Rate
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.notifications.service import notify
from mafqood.observability.metrics import RATE_LIMITED
from mafqood.users.models import RefreshToken, User
from mafqood.worker.mail import queue_mail

LOGIN_FAILURES = "login_account"
RESET_MAILS = "reset_mail"


def _subject(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


async def _signed_in_from(session: UnitOfWork, email: str, ip: str) -> bool:
    """Whether the account of this email signed in from this address within the lifetime of
    a refresh token (their rows are the record of sign-ins). The same query runs whether or
    not the account exists."""
    found = await session.scalar(
        select(RefreshToken.id)
        .join(User, User.id == RefreshToken.user_id)
        .where(User.email == email.strip().lower(), RefreshToken.ip_address == ip)
        .limit(1)
    )
    return found is not None


async def check_login(
    session: UnitOfWork, container: AuthServices, email: str, client: ClientInfo
) -> None:
    """Refuse a login, before its password is checked, while the account has used up its
    failures, except from an address that signed in to it before: the owner's own devices
    keep working during an attack, and everyone else waits until the oldest failure leaves
    the window (a lock that always expires, so nobody can lock an owner out for good)."""
    rate = container.rate_rules.login_account
    if rate is None:
        return
    decision = await container.rate_limiter.check(
        LOGIN_FAILURES, _subject(email), rate, local_fallback=True
    )
    if decision.allowed or (client.ip and await _signed_in_from(session, email, client.ip)):
        return
    RATE_LIMITED.labels(rule=LOGIN_FAILURES).inc()
    raise RateLimited(retry_after=decision.retry_after_seconds)


async def record_login_failure(
    session: UnitOfWork, container: AuthServices, email: str, user: User | None
) -> None:
    """Count a wrong password; the one that uses up the account's budget tells its owner (in
    the caller's transaction)."""
    rate = container.rate_rules.login_account
    if rate is None:
        return
    decision = await container.rate_limiter.hit(
        LOGIN_FAILURES, _subject(email), rate, local_fallback=True
    )
    if user is not None and decision.allowed and decision.remaining == 0:
        await _tell_owner(session, user, rate)


async def _tell_owner(session: UnitOfWork, user: User, rate: Rate) -> None:
    """A notification for the app and a mail, for an owner signed in nowhere."""
    params = {"count": str(rate.limit), "minutes": str(math.ceil(rate.period_seconds / 60))}
    await notify(session, user.id, "system", "notify.login_throttled", params=params)
    language = language_or_default(user.preferred_language)
    queue_mail(
        session,
        user.email,
        translate("mail.login_throttled.subject", language),
        translate("mail.login_throttled.body", language, name=user.full_name, **params),
    )


async def reset_mail_allowed(container: AuthServices, email: str) -> bool:
    """Whether another reset mail may go to this mailbox now (counted for every request)."""
    rate = container.rate_rules.reset_mail
    if rate is None:
        return True
    decision = await container.rate_limiter.hit(
        RESET_MAILS, _subject(email), rate, local_fallback=True
    )
    if not decision.allowed:
        RATE_LIMITED.labels(rule=RESET_MAILS).inc()
    return decision.allowed
