"""Outgoing e-mail behind one small interface: SMTP in production, the log in development."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

import structlog

from mafqood.core.config import Settings

log = structlog.get_logger(__name__)


class MailSender(Protocol):
    async def send(self, to: str, subject: str, body: str) -> None: ...


class SmtpMailSender:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls = username, password, starttls

    def _send_sync(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=15) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(message)

    async def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        await asyncio.to_thread(self._send_sync, message)


class LogMailSender:
    """Development default: the mail is written to the log instead of being sent."""

    async def send(self, to: str, subject: str, body: str) -> None:
        log.info("mail_not_sent_no_smtp_configured", to=to, subject=subject, body=body)


def make_mail_sender(settings: Settings) -> MailSender:
    if not settings.smtp_host:
        return LogMailSender()
    return SmtpMailSender(
        settings.smtp_host,
        settings.smtp_port,
        settings.mail_from,
        settings.smtp_username,
        settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        settings.smtp_starttls,
    )
