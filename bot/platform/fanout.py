"""Wake the WebSockets of a conversation when one of its messages is saved,
whichever web replica saved it.

A citizen's WebSocket (bot/conversations/views.py) sends what is new in the
database; it used to look every 0.7 s. Now it waits on this signal, with that
interval as a fallback: a message committed by any replica (an agent's reply
through another replica, Rasa's answer) wakes it at once. In one process the
signal is in memory; with ONEWINDOW_REDIS_URL it goes through Redis pub/sub,
so every replica hears every other. The database stays the one record: a lost
signal costs at most one poll interval, never a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Dict, Optional, Set

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("onewindow.fanout")
CHANNEL = "onewindow:conversation:"


class LocalSignal:
    """Waiters in this process, woken by notify() from any thread."""

    def __init__(self) -> None:
        self._waiters: Dict[str, Set[asyncio.Future]] = {}
        self._lock = threading.Lock()

    def notify(self, conversation_id: str) -> None:
        with self._lock:
            waiters = list(self._waiters.get(conversation_id, ()))
        for future in waiters:
            loop = future.get_loop()
            if not loop.is_closed():
                loop.call_soon_threadsafe(_wake, future)

    async def wait(self, conversation_id: str, timeout: float) -> bool:
        """True when woken, False after `timeout` seconds."""
        future = asyncio.get_running_loop().create_future()
        with self._lock:
            self._waiters.setdefault(conversation_id, set()).add(future)
        try:
            await asyncio.wait_for(future, timeout)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            with self._lock:
                waiting = self._waiters.get(conversation_id)
                if waiting is not None:
                    waiting.discard(future)
                    if not waiting:
                        del self._waiters[conversation_id]

    async def aclose(self) -> None:
        return None


def _wake(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(True)


class RedisSignal(LocalSignal):
    """notify() publishes to Redis; one subscriber task per process relays every
    conversation's channel to the local waiters."""

    def __init__(self, redis_url: str) -> None:
        super().__init__()
        import redis

        self._url = redis_url
        self._publisher = redis.Redis.from_url(redis_url, socket_timeout=2.0)
        self._listener: Optional[asyncio.Task] = None
        self._ready: Optional[asyncio.Event] = None

    def notify(self, conversation_id: str) -> None:
        try:
            self._publisher.publish(CHANNEL + conversation_id, b"1")
        except Exception as error:  # Redis down: the WebSocket's poll still delivers
            log.warning("could not publish to Redis (%s); the poll will deliver", type(error).__name__)
            super().notify(conversation_id)

    async def wait(self, conversation_id: str, timeout: float) -> bool:
        await self._ensure_listener()
        return await super().wait(conversation_id, timeout)

    async def _ensure_listener(self) -> None:
        if self._listener is None or self._listener.done():
            self._ready = asyncio.Event()
            self._listener = asyncio.create_task(self._listen())
            try:
                await asyncio.wait_for(self._ready.wait(), 5.0)
            except asyncio.TimeoutError:
                log.warning("Redis subscription not ready; falling back to polling")

    async def _listen(self) -> None:
        import redis.asyncio as aredis

        while True:
            client = aredis.Redis.from_url(self._url)
            try:
                pubsub = client.pubsub()
                await pubsub.psubscribe(CHANNEL + "*")
                assert self._ready is not None
                self._ready.set()
                async for message in pubsub.listen():
                    if message.get("type") == "pmessage":
                        channel = message["channel"].decode()
                        LocalSignal.notify(self, channel[len(CHANNEL) :])
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("Redis subscription lost (%s); retrying", type(error).__name__)
                await asyncio.sleep(1.0)
            finally:
                await client.close()

    async def aclose(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
        self._publisher.close()


def make_signal(redis_url: Optional[str]) -> LocalSignal:
    return RedisSignal(redis_url) if redis_url else LocalSignal()


def attach(session_factory: sessionmaker, signal: LocalSignal) -> None:
    """After a commit that saved conversation messages, signal their conversations."""
    from bot.conversations.models import MessageRow

    def after_flush(session: Session, _context) -> None:  # type: ignore[no-untyped-def]
        touched = session.info.setdefault("fanout_conversations", set())
        touched.update(row.conversation_id for row in session.new if isinstance(row, MessageRow))

    def after_commit(session: Session) -> None:
        for conversation_id in session.info.pop("fanout_conversations", set()):
            signal.notify(conversation_id)

    def after_rollback(session: Session) -> None:
        session.info.pop("fanout_conversations", None)

    event.listen(session_factory, "after_flush", after_flush)
    event.listen(session_factory, "after_commit", after_commit)
    event.listen(session_factory, "after_soft_rollback", lambda session, _previous: after_rollback(session))
