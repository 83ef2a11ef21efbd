"""One small interface for telling people things: an e-mail backend and an SMS backend.

`notify(...)` sends through every channel the recipient can be reached on. The e-mail backend goes
through Django's mail (console in the demo); the SMS backend logs the message (a real provider is a
backend to add later: subclass `SmsBackend`, name it in `O2O_SMS_BACKEND`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("o2o.notifications")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


class SmsBackend:
    """Sends text messages. This one only logs them (no provider is wired in)."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_backend() -> SmsBackend:
    path = getattr(settings, "O2O_SMS_BACKEND", "o2o.notifications.SmsBackend")
    return import_string(path)()


def notify(*, message: Message, email: str = "", phone: str = "") -> list[str]:
    """Send `message` by e-mail and/or SMS; returns the channels used (e.g. ["email", "sms"])."""
    channels = []
    if email:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=False)
        channels.append("email")
    if phone:
        sms_backend().send(phone=phone, text=f"{message.subject}: {message.body}")
        channels.append("sms")
    return channels
