"""The message signal: a committed conversation message wakes that
conversation's waiters (not others'), a rolled-back one wakes nobody, and a
waiter with nothing to hear times out (its poll still runs)."""

import asyncio

import pytest

from bot.conversations import service as conversations
from bot.platform import fanout
from bot.schema import create_schema
from onewindow_catalogue.database import make_engine, make_session_factory, session_scope


@pytest.fixture()
def factory(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    create_schema(engine)
    return make_session_factory(engine)


def test_a_committed_message_wakes_its_conversation_only(factory):
    signal = fanout.LocalSignal()
    fanout.attach(factory, signal)
    with session_scope(factory) as session:
        first, second = conversations.create(db_session=session), conversations.create(db_session=session)
        ids = first.id, second.id

    async def scenario():
        waiting_first = asyncio.create_task(signal.wait(ids[0], 30))
        waiting_second = asyncio.create_task(signal.wait(ids[1], 0.3))
        await asyncio.sleep(0.05)

        def save():
            with session_scope(factory) as session:
                conversation = conversations.get(db_session=session, conversation_id=ids[0])
                conversations.add_message(db_session=session, conversation=conversation, sender="bot", text="hi")

        await asyncio.get_running_loop().run_in_executor(None, save)  # a commit on another thread
        return await waiting_first, await waiting_second

    assert asyncio.run(scenario()) == (True, False)


def test_a_rolled_back_message_wakes_nobody(factory):
    signal = fanout.LocalSignal()
    fanout.attach(factory, signal)
    with session_scope(factory) as session:
        conversation_id = conversations.create(db_session=session).id

    async def scenario():
        waiting = asyncio.create_task(signal.wait(conversation_id, 0.3))
        await asyncio.sleep(0.05)
        with pytest.raises(RuntimeError), session_scope(factory) as session:
            conversation = conversations.get(db_session=session, conversation_id=conversation_id)
            conversations.add_message(db_session=session, conversation=conversation, sender="bot", text="hi")
            session.flush()
            raise RuntimeError("the request failed")
        return await waiting

    assert asyncio.run(scenario()) is False
