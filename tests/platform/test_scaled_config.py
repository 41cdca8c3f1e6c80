"""The scaled stack's nginx configuration is one nginx accepts (`nginx -t`), with
sticky web upstreams (WebSockets) and every replica listed; its process list has
each role N times, health-checked, all on loopback."""

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.platform import scaled
from bot.settings import Settings


@pytest.fixture()
def settings(tmp_path):
    return Settings(
        data_dir=tmp_path, database_url="postgresql://u:p@127.0.0.1:5999/db", redis_url="redis://127.0.0.1:6999/0",
        web_port=18500, rasa_port=18600, action_port=18700,
    )  # fmt: skip


def test_nginx_accepts_the_configuration(settings, tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed (make services)")
    folder = tmp_path / "nginx"
    (folder / "tmp").mkdir(parents=True)
    config = folder / "nginx.conf"
    config.write_text(scaled.nginx_config(settings, 3, folder), encoding="utf-8")
    done = subprocess.run([nginx, "-t", "-c", str(config), "-p", str(folder)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = config.read_text(encoding="utf-8")
    assert "ip_hash;" in text.split("upstream web")[1].split("}")[0]
    assert all(f"127.0.0.1:{18600 + i}" in text for i in (1, 2, 3))
    assert "listen 127.0.0.1:18500" in text


def test_every_role_n_times_on_loopback(settings):
    processes = scaled.specs(settings, Path("models/onewindow.tar.gz"), 2)
    names = [spec.name for spec in processes]
    assert names == ["actions-1", "actions-2", "rasa-1", "rasa-2", "web-1", "web-2", "nginx"]
    assert all("127.0.0.1" in spec.health_url for spec in processes)
    web = processes[names.index("web-1")]
    assert web.env["ONEWINDOW_RASA_URL"] == "http://127.0.0.1:18600"  # through nginx
    assert web.env["ONEWINDOW_REDIS_URL"] == "redis://127.0.0.1:6999/0"
    endpoints = (settings.data_dir / "endpoints.yml").read_text(encoding="utf-8")
    assert "postgresql" in endpoints and "type: redis" in endpoints


def test_a_post_is_passed_on_only_where_running_it_again_is_safe(settings, tmp_path):
    """Rasa and action calls whose replica died before answering go to the next replica; the web
    app's never do (a dead web replica may have recorded the message: a replay would record it twice)."""
    text = scaled.nginx_config(settings, 2, tmp_path)
    servers = text.split("  server {")[1:]
    web, rasa, actions = (next(s for s in servers if f"listen 127.0.0.1:{p};" in s) for p in (18500, 18600, 18700))
    assert "non_idempotent" not in web
    for server in (rasa, actions):  # never after a time-out: the first replica may still be running it
        assert [line.strip() for line in server.splitlines() if "proxy_next_upstream" in line] == [
            "proxy_next_upstream error non_idempotent;"
        ]


def test_rasa_replicas_release_a_dead_replicas_lock_sooner_than_rasas_default(settings):
    rasa = next(spec for spec in scaled.specs(settings, Path("m.tar.gz"), 2) if spec.name == "rasa-1")
    assert int(rasa.env["TICKET_LOCK_LIFETIME"]) == scaled.RASA_LOCK_SECONDS < 60
