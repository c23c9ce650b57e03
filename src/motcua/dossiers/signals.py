"""Signals other apps listen to, so the dossier core does not import them.

``result_returned`` is sent inside the transaction that returns the result (sender: ``Dossier``,
``dossier``: the dossier): the electronic document store files the result under its owner then.
"""

from django.dispatch import Signal

result_returned = Signal()
