"""Settings, read once from the environment (ONEWINDOW_*)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import List

from pydantic import BaseSettings, Field, validator


class Settings(BaseSettings):
    data_dir: Path = Field(Path("var"), description="SQLite database, secrets and logs")
    database_url: str | None = Field(None, description="SQLAlchemy URL; SQLite in data_dir when unset")
    redis_url: str | None = Field(
        None, description="Redis (redis://host:port/db): Rasa's lock store and the web replicas' message fan-out"
    )
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    rasa_host: str = Field("127.0.0.1", description="interface the Rasa server listens on; loopback by default")
    rasa_port: int = 5005
    rasa_url: str = Field(None, description="where the web app reaches Rasa; http://rasa_host:rasa_port when unset")
    action_host: str = Field("127.0.0.1", description="interface the action server listens on; loopback by default")
    action_port: int = 5055
    action_url: str = Field(
        None, description="where Rasa reaches the action server; http://action_host:action_port/webhook when unset"
    )
    rasa_token: str | None = Field(None, description="Rasa HTTP API token; generated into data_dir when unset")
    action_token: str | None = Field(
        None, description="secret Rasa sends the action server with every call; generated into data_dir when unset"
    )
    secret_key: str | None = Field(None, description="signs console sessions; generated into data_dir when unset")
    model_path: Path = Path("models/onewindow.tar.gz")
    staffed_hours: str = Field(
        "Mon-Fri 08:00-18:00", description="when agents answer chats, in `timezone` ('always' for a 24/7 desk)"
    )
    timezone: str = "America/Toronto"
    retention_days: int = 30
    max_message_chars: int = 2000
    require_review: bool = Field(False, description="catalogue changes need a second person's approval to publish")
    review_after_days: int = Field(365, description="catalogue entries not checked for this long are overdue")
    chat_origins: List[str] = Field(["*"], description="web origins allowed to embed the chat widget")
    trusted_proxies: List[str] = Field(
        [], description="reverse proxies (addresses or networks) whose X-Forwarded-For is believed"
    )
    rate_window_seconds: int = Field(60, description="the window the public API's rate limits count over")
    rate_conversations_per_client: int = Field(60, description="new chats one client may start per window (0: off)")
    rate_conversations_total: int = Field(1200, description="new chats all clients together may start per window")
    rate_messages_per_client: int = Field(240, description="chat messages one client may send per window")
    rate_messages_total: int = Field(6000, description="chat messages all clients together may send per window")
    catalogue_check_seconds: float = Field(
        2.0, ge=0, description="how often each process re-reads the catalogue revision (a publish reaches it then)"
    )
    api_docs_assets: Path | None = Field(
        None, description="a local swagger-ui-dist folder; /docs is served from it, and is off when unset"
    )

    class Config:
        env_prefix = "ONEWINDOW_"

    @validator("staffed_hours")
    def _valid_staffed_hours(cls, spec: str) -> str:  # noqa: N805 (pydantic validator)
        """A bad ONEWINDOW_STAFFED_HOURS is refused at start-up, not at the first handoff."""
        from bot.cases import hours

        hours.parse(spec)
        return spec

    @validator("timezone")
    def _known_timezone(cls, timezone: str) -> str:  # noqa: N805 (pydantic validator)
        from bot.cases import hours

        hours.check("always", timezone)
        return timezone

    @validator("rasa_url", always=True)
    def _rasa_url(cls, url: str | None, values: dict) -> str:  # noqa: N805 (pydantic validator)
        """One setting per fact: moving Rasa with ONEWINDOW_RASA_PORT (or _HOST) moves the URL the web app uses."""
        if url:
            return url.rstrip("/")
        return f"http://{connect_host(values.get('rasa_host', '127.0.0.1'))}:{values.get('rasa_port', 5005)}"

    @validator("action_url", always=True)
    def _action_url(cls, url: str | None, values: dict) -> str:  # noqa: N805 (pydantic validator)
        if url:
            return url
        host = connect_host(values.get("action_host", "127.0.0.1"))
        return f"http://{host}:{values.get('action_port', 5055)}/webhook"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        from onewindow_catalogue.database import private_dir

        private_dir(self.data_dir)  # 0700: conversations, accounts and secrets live here
        return f"sqlite:///{self.data_dir.resolve() / 'onewindow.db'}"

    def secret(self, name: str) -> str:
        """A secret from the environment, else one generated once into data_dir
        (replicas on several machines must set it in the environment)."""
        value = getattr(self, name, None)
        if value:
            return value
        path = self.data_dir / f".{name}"
        if not path.exists():
            from onewindow_catalogue.database import private_dir, private_opener

            private_dir(self.data_dir)
            with open(path, "w", encoding="utf-8", opener=private_opener) as handle:  # 0600 from the start
                handle.write(secrets.token_urlsafe(32))
        return path.read_text(encoding="utf-8").strip()


def connect_host(host: str) -> str:
    """The address a client on this machine uses for a server bound to `host`
    (a wildcard bind is reached on loopback; IPv6 literals get brackets)."""
    if host in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
