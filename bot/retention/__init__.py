"""Keeping no more than needed: old conversations and closed cases are deleted,
and only anonymous counts survive for reports."""
