"""The load generator talks to loopback only, and summarises what it measured."""

import pytest

from bot.platform.load import LoadResult, require_loopback


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:1", "http://[::1]:80"])
def test_loopback_is_allowed(url):
    require_loopback(url)


@pytest.mark.parametrize("url", ["http://10.0.0.5:8000", "https://example.org", "http://0.0.0.0:8000"])
def test_anything_else_is_refused(url):
    with pytest.raises(ValueError, match="loopback only"):
        require_loopback(url)


def test_summary_percentiles_and_rate():
    result = LoadResult(concurrency=2, latencies_ms=[float(n) for n in range(1, 101)], errors=1, seconds=10.0)
    summary = result.summary()
    assert summary["messages"] == 100 and summary["messages_per_second"] == 10.0
    assert summary["p50_ms"] == 50.0 or summary["p50_ms"] == 51.0
    assert summary["p99_ms"] >= 99.0 and summary["errors"] == 1
