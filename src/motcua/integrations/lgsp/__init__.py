"""The provincial integration axis (LGSP) adapter: official documents as edXML packages.

``wire`` is the only module that knows the axis's call names, headers and answers; ``client`` makes the
HTTP calls; ``send`` turns a dispatch to an outside recipient and the handling of a document that arrived
over the axis into outbox messages and delivers them; ``receive`` polls the mailboxes and registers what
arrived (``motcua lgsp_receive``). Documented in docs/integrations/lgsp.md.
"""
