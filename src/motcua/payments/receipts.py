"""The electronic receipt (biên lai điện tử) of an online payment, as an A5 PDF.

The wording is Vietnamese whatever the interface language is (a legal paper, like the one-stop forms).
"""

from __future__ import annotations

from django.template.loader import render_to_string

from motcua.core import clock
from motcua.documents.rendering import html_to_pdf
from motcua.payments.models import Payment
from motcua.payments.words import amount_in_words


def receipt_context(payment: Payment) -> dict[str, object]:
    dossier = payment.dossier
    amount = payment.paid_amount or payment.amount
    return {
        "payment": payment,
        "dossier": dossier,
        "agency": dossier.receiving_agency,
        "procedure": dossier.procedure,
        "payer": dossier.applicant_name,
        "amount": f"{amount:,}".replace(",", "."),
        "amount_words": amount_in_words(amount),
        "paid_at": clock.now() if payment.paid_at is None else payment.paid_at.astimezone(clock.local_zone()),
    }


def receipt_pdf(payment: Payment) -> bytes:
    return html_to_pdf(render_to_string("payments/receipt.html", receipt_context(payment)))
