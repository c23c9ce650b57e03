"""Turning an event and its parameters into the text of each channel.

The wording comes from the event's ``MessageTemplate`` row, or from ``events.EVENTS`` while there is none.
SMS texts are kept within ``SMS_MAX_SEGMENTS`` segments of the text as it goes on the wire (without
diacritics when ``SMS_ASCII``): the longest parameter (an officer's free-text reason, typically) is
shortened first, so the dossier code and the dates survive; only then is the text itself cut.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.template import Context, Engine

from motcua.notifications import smstext
from motcua.notifications.events import EVENTS
from motcua.notifications.models import Channel, MessageTemplate

_ENGINE = Engine(autoescape=False)  # plain text: no HTML escaping, no template loaders
_SHORTEST_PARAM = 12


@dataclass(frozen=True)
class Texts:
    """The editable wording of one event."""

    subject: str
    email_body: str
    sms_text: str
    zalo_text: str
    zalo_template_id: str


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    segments: int = 0  # SMS only
    external_template_id: str = ""  # Zalo only


def event_texts(code: str) -> Texts | None:
    """The wording of the event: its row, else the default; None when an administrator switched it off."""
    row = MessageTemplate.objects.filter(code=code).first()
    if row is not None:
        if not row.is_active:
            return None
        return Texts(row.subject, row.email_body, row.sms_text, row.zalo_text, row.zalo_template_id)
    default = EVENTS.get(code)
    if default is None:
        raise LookupError(f"unknown message event {code!r}")
    return Texts(
        default.subject, default.email_template, default.sms_text, default.zalo_text, default.zalo_template_id
    )


def render_text(source: str, params: Mapping[str, str]) -> str:
    return _ENGINE.from_string(source).render(Context(dict(params), autoescape=False)).strip()


def render_sms(source: str, params: Mapping[str, str]) -> str:
    """The SMS text, fitted to the segment budget (see the module's docstring)."""
    ascii_only: bool = settings.MOTCUA_SMS_ASCII
    budget: int = settings.MOTCUA_SMS_MAX_SEGMENTS
    values = dict(params)
    text = render_text(source, values)
    candidates = {key for key, value in values.items() if len(value) > _SHORTEST_PARAM}
    while candidates and not smstext.fits(text, ascii_only=ascii_only, max_segments=budget):
        longest = max(candidates, key=lambda key: len(values[key]))
        value = values[longest]
        shorter = value[: max(_SHORTEST_PARAM, len(value) * 3 // 4)].rstrip(" ,.;:") + "…"
        values[longest] = shorter
        shortened = render_text(source, values)
        if shortened == text or len(shorter) <= _SHORTEST_PARAM + 1:
            candidates.discard(longest)  # not in the text, or as short as it may get
        text = shortened
    return smstext.truncate(text, ascii_only=ascii_only, max_segments=budget)


def sms_segments(text: str) -> int:
    return smstext.measure(smstext.wire_text(text, ascii_only=settings.MOTCUA_SMS_ASCII)).segments


def render_event(*, code: str, channel: str, params: Mapping[str, str]) -> Rendered | None:
    """The subject and body of the event's message on the channel; None when the event sends nothing there."""
    texts = event_texts(code)
    if texts is None:
        return None
    subject = render_text(texts.subject, params)
    if channel == Channel.EMAIL:
        return Rendered(subject=subject, body=render_text(texts.email_body, params))
    if channel == Channel.SMS:
        body = render_sms(texts.sms_text, params)
        return Rendered(subject=subject, body=body, segments=sms_segments(body))
    if channel == Channel.ZALO:
        if not texts.zalo_template_id:
            return None
        body = render_text(texts.zalo_text or texts.sms_text, params)
        return Rendered(subject=subject, body=body, external_template_id=texts.zalo_template_id)
    raise ValueError(f"unknown channel {channel!r}")
