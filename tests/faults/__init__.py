"""Helpers of ``tests/test_faults.py``: a private PostgreSQL server, a local SMTP
responder and an Odoo worker process (not tests themselves)."""
