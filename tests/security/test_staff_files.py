"""What OneWindow leaves on disk: the data folder 0700, the SQLite database
(and its WAL files) and generated secrets 0600 whatever the umask. (That the
web log holds no conversation id in full is tested over HTTP in test_staff_http.py.)"""

from __future__ import annotations

import os
import stat

import pytest


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture()
def loose_umask():
    previous = os.umask(0o022)  # the usual default: new files 0644, folders 0755
    yield
    os.umask(previous)


def test_a_fresh_data_folder_database_and_secrets_are_the_owners_alone(tmp_path, loose_umask):
    from bot.schema import create_schema
    from bot.settings import Settings
    from bot.web.app import create_app

    settings = Settings(data_dir=tmp_path / "fresh" / "var")
    app = create_app(settings)
    create_schema(app.state.engine)
    with app.state.engine.begin() as connection:  # a write, so SQLite makes its -wal and -shm files
        connection.exec_driver_sql("CREATE TABLE touched (x INTEGER)")
        data = settings.data_dir
        assert mode(data) == 0o700
        files = [data / "onewindow.db", data / "onewindow.db-wal", data / "onewindow.db-shm", data / ".secret_key"]
        settings.secret("secret_key")
        for path in files:
            assert path.exists() and mode(path) == 0o600, f"{path.name} is {oct(mode(path))}"
    app.state.engine.dispose()


def test_an_existing_world_readable_database_is_narrowed(tmp_path, loose_umask):
    from onewindow_catalogue.database import make_engine

    path = tmp_path / "old.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600
