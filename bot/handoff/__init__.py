"""Handing a conversation over to a person: the shared decision rules."""

from bot.handoff.rules import Handoff, complex_case_reason, decide, queue_for

__all__ = ["Handoff", "complex_case_reason", "decide", "queue_for"]
