"""Every limit of the service, parsed once at start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mafqood.core.rates import Rate, parse_rate

if TYPE_CHECKING:
    from mafqood.core.config import Settings


class Rules:
    """Every limit, parsed once at start-up; None for a limit that is off."""

    def __init__(self, settings: Settings) -> None:
        def rate(text: str) -> Rate | None:
            return parse_rate(text) if settings.rate_limit_enabled else None

        self.login = rate(settings.rate_limit_login)
        self.login_account = rate(settings.rate_limit_login_account)
        self.register = rate(settings.rate_limit_register)
        self.forgot_password = rate(settings.rate_limit_forgot_password)
        self.reset_mail = rate(settings.rate_limit_reset_mail)
        self.api = rate(settings.rate_limit_api)
        self.anonymous = rate(settings.rate_limit_anonymous)
        self.upload = rate(settings.rate_limit_upload)
        self.desk_api = rate(settings.rate_limit_desk_api)
        self.desk_upload = rate(settings.rate_limit_desk_upload)
