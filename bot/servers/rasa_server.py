"""The Rasa server (`python -m bot.servers.rasa_server run ...`): Rasa's own
command line, with `--auth-token` added from ONEWINDOW_RASA_TOKEN (or the 0600
file in data_dir) inside the process. A token given as an argument is visible
to every local user in `ps`; the changed sys.argv here is not (the kernel shows
the arguments the process was started with)."""

from __future__ import annotations

import sys
from typing import List, Optional

TOKEN_FLAG = "--auth-token"


def rasa_argv(argv: List[str], token: str) -> List[str]:
    """Rasa's arguments with the token appended; refuses one given on the command line."""
    if any(arg == TOKEN_FLAG or arg.startswith(TOKEN_FLAG + "=") for arg in argv):
        raise SystemExit(f"Do not pass {TOKEN_FLAG}: set ONEWINDOW_RASA_TOKEN (or leave it to the data folder).")
    if not token:
        raise SystemExit("No Rasa token: set ONEWINDOW_RASA_TOKEN.")
    # one argument, "--auth-token=...": a generated token may start with "-", which argparse would read as a flag
    return ["rasa", *argv, f"{TOKEN_FLAG}={token}"]


def main(argv: Optional[List[str]] = None) -> None:
    from bot.settings import get_settings

    sys.argv = rasa_argv(list(sys.argv[1:] if argv is None else argv), get_settings().secret("rasa_token"))
    from rasa.__main__ import main as rasa_main

    from bot.platform import rasa_speedups
    from bot.servers import rasa_warmup

    rasa_speedups.install()  # action responses validated by a precompiled schema (issue 19's profile)
    rasa_warmup.install()  # the first citizens after a start do not pay for TensorFlow's tracing
    rasa_main()


if __name__ == "__main__":
    main()
