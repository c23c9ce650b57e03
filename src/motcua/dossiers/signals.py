"""Signals other apps listen to, so the dossier core does not import them.

All are sent inside the transaction that makes the change (sender: ``Dossier``, ``dossier``: the dossier):
``result_returned`` when the result is returned (the electronic document store files it then);
``dossier_received`` when a dossier is received, ``dossier_finished`` when it is finished with its outcome
set, ``dossier_rated`` when the applicant rates it and ``dossier_fees_paid`` when its fees are recorded as
paid, both with ``previous`` (the rating or payment time replaced, or None): the reports keep their daily
aggregates with them.
"""

from django.dispatch import Signal

result_returned = Signal()
dossier_received = Signal()
dossier_finished = Signal()
dossier_rated = Signal()
dossier_fees_paid = Signal()
