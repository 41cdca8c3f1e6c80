"""Drafts, review, publishing and history of catalogue services.

Service owners change a service by saving a draft of its whole seed-format
entry; publishing validates the whole catalogue with the draft swapped in and
writes it to the published tables in one transaction, so nothing they do can
silently break a bundle. Every published version is kept. Imports nothing
from bot/: permissions and the audit log are the callers' business.
"""
