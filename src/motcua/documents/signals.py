"""Signals other apps listen to, so the document office does not import them.

Both are sent inside the transaction that makes the change:
``dispatched_outside`` (sender ``OutgoingDocument``; ``document``, ``recipients``: its electronic recipients
outside MotCua, delivery edXML) when an issued document is dispatched; ``exchange_status_reported``
(sender ``IncomingDocument``; ``incoming``, ``status``: the Decision 28 code) when the handling of an
incoming document moves its exchange status on (the integration axis tells outside senders).
"""

from django.dispatch import Signal

dispatched_outside = Signal()
exchange_status_reported = Signal()
