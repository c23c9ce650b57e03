"""The officials' second factor: enrolling an authenticator app and checking its TOTP codes.

A code is accepted within one time step either side of the server's clock, and only for a step later than
the last accepted one (no replay). ``MAX_FAILURES`` wrong codes in a row lock the device for
``LOCK_DURATION``; the count and the lock are committed even though the attempt fails.
"""

from __future__ import annotations

import datetime as dt
import logging

import segno
from django.db import transaction
from django.utils import formats

from motcua.accounts import totp
from motcua.accounts.models import TotpDevice, User
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError

logger = logging.getLogger(__name__)

ISSUER_LABEL = "MotCua"
WINDOW = 1  # time steps either side (RFC 6238 §5.2)
MAX_FAILURES = 5
LOCK_DURATION = dt.timedelta(minutes=15)


class SecondFactorError(DomainError):
    code = "second_factor"


def totp_enrolment_start(*, user: User) -> TotpDevice:
    """The device being enrolled: a new secret, or the pending one (reloading the page keeps the QR)."""
    with transaction.atomic(durable=True):
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.is_confirmed:
            raise SecondFactorError("Tài khoản đã đăng ký ứng dụng xác thực.")
        if device is None:
            device = TotpDevice.objects.create(user=user, secret=totp.new_secret())
            audit_record(actor=user, action="totp.enrolment_start", obj=device)
    return device


def totp_enrolment_confirm(*, user: User, code: str) -> TotpDevice:
    """Confirm the pending device with its first code; from now on the code is asked at every login."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is None or device.is_confirmed:
        raise SecondFactorError("Không có đăng ký ứng dụng xác thực đang chờ xác nhận.")
    return _check(device_id=device.pk, code=code, confirming=True)


def totp_verify(*, user: User, code: str) -> TotpDevice:
    """Accept the code of the user's confirmed device, or raise SecondFactorError in Vietnamese."""
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        raise SecondFactorError("Tài khoản chưa đăng ký ứng dụng xác thực.")
    return _check(device_id=device.pk, code=code, confirming=False)


def totp_reset(*, device: TotpDevice, actor: User) -> None:
    """An administrator removes a lost device; the official enrols a new one at the next login."""
    with transaction.atomic(durable=True):
        audit_record(actor=actor, action="totp.reset", obj=device, user=device.user_id)
        device.delete()


def enrolment_qr_svg(device: TotpDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (segno writes only path data, no text from the URI)."""
    uri = totp.provisioning_uri(device.secret, account=device.user.username, issuer=ISSUER_LABEL)
    return str(segno.make(uri, error="m").svg_inline(scale=4))


def _check(*, device_id: int, code: str, confirming: bool) -> TotpDevice:
    now = clock.now()
    error: str | None = None
    with transaction.atomic(durable=True):
        device = TotpDevice.objects.select_for_update().select_related("user").get(pk=device_id)
        if device.locked_until is not None and device.locked_until > now:
            until = formats.time_format(device.locked_until.astimezone(clock.local_zone()), "H:i")
            raise SecondFactorError(f"Bạn đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau {until}.")
        step = totp.matching_step(device.secret, code, now, window=WINDOW)
        if step is None:
            error = "Mã xác thực không đúng. Vui lòng nhập mã 6 chữ số đang hiện trên ứng dụng xác thực."
        elif step <= device.last_used_step:
            error = "Mã xác thực này đã được dùng. Vui lòng chờ mã mới trên ứng dụng xác thực."
        if error is not None:
            device.failed_attempts += 1
            if device.failed_attempts >= MAX_FAILURES:
                device.locked_until = now + LOCK_DURATION
                device.failed_attempts = 0
                audit_record(actor=device.user, action="totp.locked", obj=device)
                logger.warning("TOTP locked for user %s after %s failures", device.user_id, MAX_FAILURES)
            device.save(update_fields=["failed_attempts", "locked_until"])
        else:
            assert step is not None
            device.last_used_step = step
            device.failed_attempts = 0
            device.locked_until = None
            fields = ["last_used_step", "failed_attempts", "locked_until"]
            if confirming:
                device.confirmed_at = now
                fields.append("confirmed_at")
                audit_record(actor=device.user, action="totp.enrolment_confirm", obj=device)
            device.save(update_fields=fields)
    if error is not None:  # raised after the commit: the failure count must stick
        raise SecondFactorError(error)
    return device
