"""PostgreSQL and Redis servers on loopback in a folder of their own, for the
scaled stack (`onewindow up --scaled`, `make run-scaled`) and its tests.

The servers come from Debian's packages (`make services` installs them). Each
listens on 127.0.0.1 only, on the port given (a free one by default), keeps
its data in the folder, and is stopped by `stop()`. PostgreSQL refuses to run
as root: as root, its folder is handed to the `postgres` system user and the
server runs as that user.

    python -m bot.platform.services start DIR   # both; prints the URLs as environment lines
    python -m bot.platform.services stop DIR
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional


class ServiceUnavailable(RuntimeError):
    """The server's program is not installed (run `make services`)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin() -> Optional[Path]:
    """The newest installed PostgreSQL's programs (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def redis_bin() -> Optional[Path]:
    found = shutil.which("redis-server")
    return Path(found) if found else None


def _as_postgres_user() -> List[str]:
    """PostgreSQL will not run as root: as root, run its programs as `postgres`."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


def _wait_port(port: int, seconds: float, process: Optional[subprocess.Popen] = None, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} while starting")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {seconds:.0f}s")


@dataclass
class Postgres:
    folder: Path
    port: int
    user: str = "onewindow"
    password: str = "onewindow"
    database: str = "onewindow"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{self.database}"

    @property
    def data(self) -> Path:
        return self.folder / "pgdata"

    def start(self, timeout: float = 60.0) -> Postgres:
        bin_dir = postgres_bin()
        if bin_dir is None:
            raise ServiceUnavailable("PostgreSQL is not installed: run 'make services' (apt-get install postgresql)")
        self.folder.mkdir(parents=True, exist_ok=True)
        runner = _as_postgres_user()
        if runner:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        fresh = not (self.data / "PG_VERSION").exists()
        if fresh:
            password_file = self.folder / "pwfile"
            password_file.write_text(self.password + "\n", encoding="utf-8")
            if runner:
                os.chown(password_file, pwd.getpwnam("postgres").pw_uid, -1)
            subprocess.run(
                [*runner, str(bin_dir / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=scram-sha-256",
                 f"--pwfile={password_file}", "--encoding=UTF8", "--locale=C.UTF-8"],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            password_file.unlink()
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=200 -c fsync=off"
        subprocess.run(
            [*runner, str(bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "postgres.log"),
             "-o", options, "-w", "-t", str(int(timeout)), "start"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        _wait_port(self.port, timeout, what="PostgreSQL")
        if fresh:
            self._create_database()
        return self

    def _create_database(self) -> None:
        import psycopg2

        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.user, password=self.password, dbname="postgres"
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{self.database}"')
        connection.close()

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown by signalling the postmaster (pg_ctl would need the
        `postgres` user to reach the folder, which the data folder may forbid)."""
        pid_file = self.data / "postmaster.pid"
        try:
            pid = int(pid_file.read_text(encoding="utf-8").splitlines()[0])
        except (OSError, ValueError, IndexError):
            return
        try:
            os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


@dataclass
class Redis:
    folder: Path
    port: int
    process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 30.0) -> Redis:
        program = redis_bin()
        if program is None:
            raise ServiceUnavailable("Redis is not installed: run 'make services' (apt-get install redis-server)")
        self.folder.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / "redis.log", "ab")  # noqa: SIM115 (the child keeps it)
        self.process = subprocess.Popen(
            [str(program), "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder),
             "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        (self.folder / "redis.pid").write_text(str(self.process.pid), encoding="utf-8")
        _wait_port(self.port, timeout, self.process, "Redis")
        return self

    def stop(self) -> None:
        pid_file = self.folder / "redis.pid"
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        elif pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text(encoding="utf-8")), 15)
        pid_file.unlink(missing_ok=True)


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 2 or argv[0] not in ("start", "stop", "pg-start", "redis-start"):
        print("usage: python -m bot.platform.services start|stop|pg-start|redis-start DIR", file=sys.stderr)
        return 2
    action, folder = argv[0], Path(argv[1]).resolve()
    postgres = Postgres(folder / "postgres", _remembered_port(folder / "postgres.port"))
    redis = Redis(folder / "redis", _remembered_port(folder / "redis.port"))
    try:
        if action == "stop":
            redis.stop()
            postgres.stop()
            return 0
        if action in ("start", "pg-start"):
            postgres.start()
            print(f"ONEWINDOW_DATABASE_URL={postgres.url}")
        if action in ("start", "redis-start"):
            redis.start()
            redis.process = None  # it outlives this command; `stop` ends it by its pid file
            print(f"ONEWINDOW_REDIS_URL={redis.url}")
    except ServiceUnavailable as error:
        print(str(error), file=sys.stderr)
        return 3
    except (RuntimeError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        print(f"Could not start: {error} {detail}".strip(), file=sys.stderr)
        return 1
    return 0


def _remembered_port(path: Path) -> int:
    """The same port each time for one folder (so a restarted stack finds its data)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return int(path.read_text(encoding="utf-8"))
    port = free_port()
    path.write_text(str(port), encoding="utf-8")
    return port


if __name__ == "__main__":
    sys.exit(main())
