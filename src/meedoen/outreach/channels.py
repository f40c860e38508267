"""Notification channels behind one small interface: `Channel.send(message) -> Delivery`.

The development backend sends nothing; it only says what would have been sent, and the SentMessage row (written by
the service) is what staff see on the campaign page. A real provider (an e-mail relay, an SMS gateway such as
the municipality's notification service) implements the same `send` and reports later status changes through
`meedoen.outreach.services.update_delivery_status(delivery_id, status)`.

Configure per channel with the setting MEEDOEN_OUTREACH_CHANNELS, e.g.
    MEEDOEN_OUTREACH_CHANNELS = {"email": "myproject.channels.SmtpEmail", "sms": "myproject.channels.Gateway"}
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

QUEUED, DELIVERED, FAILED = "queued", "delivered", "failed"


@dataclass(frozen=True)
class Message:
    channel: str  # email | sms
    to: str
    subject: str
    body: str  # the full text, booking link included; never stored
    key: str  # idempotency key: a provider may use it to drop a resend


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    status: str  # queued | delivered | failed
    error: str = ""


class Channel:
    """Base class: subclasses implement send()."""

    name = ""

    def send(self, message: Message) -> Delivery:  # pragma: no cover - interface
        raise NotImplementedError


class DevelopmentChannel(Channel):
    """Records what would be sent. Addresses on the reserved `.invalid` domain (RFC 2606) or numbers starting with
    "000" fail, so the failed delivery status can be shown and tested."""

    def send(self, message: Message) -> Delivery:
        delivery_id = f"dev-{uuid.uuid4().hex[:16]}"
        to = message.to.strip().lower()
        if not to or to.endswith(".invalid") or to.replace(" ", "").lstrip("+").startswith("000"):
            return Delivery(delivery_id, FAILED, "Adres onbekend bij de ontvanger (ontwikkelomgeving)")
        return Delivery(delivery_id, DELIVERED)


class DevelopmentEmail(DevelopmentChannel):
    name = "email"


class DevelopmentSms(DevelopmentChannel):
    name = "sms"


DEFAULT_BACKENDS = {
    "email": "meedoen.outreach.channels.DevelopmentEmail",
    "sms": "meedoen.outreach.channels.DevelopmentSms",
}


@lru_cache(maxsize=8)
def _load(path: str) -> Channel:
    return import_string(path)()


def get_channel(name: str) -> Channel:
    backends = {**DEFAULT_BACKENDS, **getattr(settings, "MEEDOEN_OUTREACH_CHANNELS", {})}
    return _load(backends[name])
