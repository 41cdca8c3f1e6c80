"""Privacy: strip personal identifiers (SIN, health card, phone, e-mail, ...)
from what people type before OneWindow logs, stores or forwards it."""

from .model import KINDS, PLACEHOLDERS, Finding, Redaction
from .redact import redact, redact_text

__all__ = ["KINDS", "PLACEHOLDERS", "Finding", "Redaction", "redact", "redact_text"]
