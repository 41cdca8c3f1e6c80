"""A Rasa server that is warm before it says it is up.

Loading the model leaves work for the first messages: TensorFlow traces DIET's and TED's graphs on their first
call, and the rule files, the safety patterns and the sentence encoder load when first used. The first citizens
after a start or a replica restart paid for it (issue 19: p95 1.4 s for one conversation). Here the agent parses
a few messages in both languages, and the policies predict once on a throwaway tracker, before the server takes
its first request; nothing is stored and no action server is called.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Sequence

logger = logging.getLogger(__name__)

# one of each path through the pipeline: a life event with facts, a request for a person, a crisis, French
WARM_UP_TEXTS: Sequence[str] = (
    "my father died last week in Hamilton and I am starting a business",
    "can I talk to a real person please",
    "I want to end my life tonight",
    "ma mère est décédée hier à Sudbury, je veux parler à quelqu'un",
)
SENDER = "onewindow-warm-up"

_installed = False


async def warm_up(agent: Any) -> float:
    """Parse WARM_UP_TEXTS and predict the next action once for each; returns the seconds it took."""
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    started = time.perf_counter()
    processor = agent.processor
    for text in WARM_UP_TEXTS:
        parsed = await processor.parse_message(UserMessage(text, sender_id=SENDER))
        events = [ActionExecuted("action_listen"), UserUttered(text, parsed.get("intent"), parse_data=parsed)]
        tracker = DialogueStateTracker.from_events(SENDER, events, slots=agent.domain.slots)
        processor.predict_next_with_tracker(tracker)
    return time.perf_counter() - started


def install() -> None:
    """Make Rasa's `load_agent_on_start` warm the agent it loads (idempotent). A failed warm-up is logged, never
    fatal: the server then answers as before, only slower at first."""
    global _installed
    if _installed:
        return
    import rasa.core.run

    load_agent = rasa.core.run.load_agent_on_start

    async def load_and_warm_up(*args: Any, **kwargs: Any) -> Any:
        agent = await load_agent(*args, **kwargs)
        if agent is not None and agent.is_ready():
            try:
                logger.info("Warmed up in %.1f s.", await warm_up(agent))
            except Exception:  # noqa: BLE001 - a cold server is better than none
                logger.exception("Warm-up failed; the first messages will be slower.")
        return agent

    rasa.core.run.load_agent_on_start = load_and_warm_up
    _installed = True
