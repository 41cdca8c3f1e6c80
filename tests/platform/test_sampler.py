"""The load profiler's sampler: a thread that works is counted where it works, a
thread that waits is counted as idle, and the report names the hot function."""

import threading
import time

from bot.platform.sampler import Sampler, _role


def _spin(stop: threading.Event) -> None:
    while not stop.is_set():
        sum(i * i for i in range(2000))


def test_busy_and_waiting_threads_are_told_apart(tmp_path):
    stop, never = threading.Event(), threading.Event()
    workers = [threading.Thread(target=_spin, args=(stop,)), threading.Thread(target=never.wait, args=(30,))]
    for worker in workers:
        worker.start()
    sampler = Sampler(tmp_path, interval=0.002, write_every=0.2).start()
    time.sleep(1.0)
    stop.set()
    never.set()
    for worker in workers:
        worker.join()
    sampler.stop()
    assert sampler.busy > 50 and sampler.idle > 50
    hot = {key[1] for key, _ in sampler.inclusive.most_common(10)}
    assert "_spin" in hot and "wait" not in {key[1] for key in sampler.own}
    report = next(tmp_path.glob("*.txt")).read_text()
    assert "_spin" in report and "busy samples" in report


def test_each_process_is_named_by_its_role():
    assert _role(["rasa", "run", "--model", "models/onewindow.tar.gz"]) == "rasa"
    assert _role(["/srv/bot/servers/action_server.py", "--port", "1"]) == "actions"
    assert _role([".venv/bin/uvicorn", "bot.web.app:create_app"]) == "web"
