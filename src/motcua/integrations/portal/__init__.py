"""The national public service portal (Cổng Dịch vụ công quốc gia) adapter.

``wire`` is the only module that knows the portal's message format; ``client`` makes the HTTP calls;
``sync`` turns dossier changes into outbox messages and delivers them; ``catalog_sync`` pulls procedures.
"""
