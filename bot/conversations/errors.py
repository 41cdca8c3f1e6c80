"""Why the router refuses a message, and how a lost claim is told apart: raised by every part of the
router and turned into an HTTP answer by the views, so they live apart from both."""

from __future__ import annotations

from typing import Any, Optional

from bot.conversations.messages import say


class MessageRejected(ValueError):
    """A message the router will not take; `status` is the HTTP status to answer with.

    Its text is a messages.yml entry (`key`, `values`), so the refusal can be said in the
    person's language: `lang` is the conversation's when the router knows it; when it does
    not (no such conversation), the view says it in the request's language (`detail`)."""

    def __init__(
        self, status: int, key: str, lang: Optional[str] = None, retry_after: Optional[int] = None, **values: Any
    ) -> None:
        super().__init__(say(key, lang or "en", **values))
        self.status = status
        self.key = key
        self.lang = lang
        self.values = values
        self.retry_after = retry_after  # seconds: the same request may succeed then (a Retry-After header)

    def detail(self, fallback_lang: str = "en") -> str:
        """The refusal in the conversation's language, else in `fallback_lang`."""
        return say(self.key, self.lang or fallback_lang, **self.values)


class ClaimLost(RuntimeError):
    """Another replica took over answering the message (ours looked dead): its answer counts."""
