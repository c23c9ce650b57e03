"""The national public service portal (Cổng Dịch vụ công quốc gia) adapter.

``wire`` is the only module that knows the portal's message format; ``client`` makes the HTTP calls;
``sync`` turns dossier changes into outbox messages and delivers them; ``catalogue`` applies the
portal's procedure list as procedure versions; ``receive`` takes in dossiers submitted on the portal.
"""
