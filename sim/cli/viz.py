"""Serve the interactive visualization in a browser: the region as a live map with
charts, the policy levers and parameters, an event feed, and a results explorer for
batch folders. Binds 127.0.0.1 unless --host says otherwise; stop it with Ctrl-C."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import sys
import threading
import time
import warnings
from pathlib import Path

from .. import library
from . import InputError
from ._args import add_set, load_scenario, set_values

COMMAND = "viz"
HELP = "serve the interactive map, charts and controls in a browser"
ORDER = 60
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def add_arguments(p) -> None:
    p.add_argument(
        "scenario",
        nargs="?",
        default=library.DEFAULT,
        help=f"scenario a new page opens with: shipped name or YAML file (default: {library.DEFAULT})",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    p.add_argument(
        "--results",
        default="results",
        help="folder whose batch folders the results explorer lists (default: results)",
    )
    add_set(p)


def check_port(host: str, port: int) -> None:
    """Refuse a port outside 1..65535 or one that something else already holds."""
    if not 1 <= port <= 65535:
        raise InputError(f"--port: {port} is not a port number (1 to 65535)")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError(
                    f"--port: {host}:{port} is already in use; choose another with --port"
                ) from None
            raise InputError(f"--host/--port: cannot bind {host}:{port}: {exc.strerror}") from None


def _configure(scenario: str, results: str, settings: dict[str, float]) -> None:
    """Settings the server reads at import time: the app, our inputs, no telemetry."""
    import json

    os.environ["SOLARA_APP"] = "sim.viz.app"
    os.environ["SOUTHFLANK_VIZ_SCENARIO"] = scenario
    os.environ["SOUTHFLANK_VIZ_SET"] = json.dumps(settings)
    os.environ["SOUTHFLANK_RESULTS_DIR"] = str(Path(results).resolve())
    # Solara reports usage to a third party by default; a closed network must see no
    # outbound traffic, and nobody asked for it.
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_MODE", "production")
    # Solara explains cookie settings for pages embedded in iframes over http; a local
    # server opened directly in a browser is not that case.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    log = logging.getLogger("sim.viz")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def run(args) -> int:
    scenario = args.scenario
    settings = set_values(args.settings)
    load_scenario(scenario, settings)  # bad name, file or value: exit 2 before starting
    check_port(args.host, args.port)
    _configure(scenario, args.results, settings)

    import uvicorn

    from ..viz.assets import missing

    absent = missing()
    if absent:
        print(
            "warning: browser assets missing from Solara's cache: "
            f"{', '.join(absent)}; the page will try to fetch them from the internet. "
            "Install them (make does) with: python scripts/install_viz_assets.py",
            file=sys.stderr,
        )
    if args.host not in LOCAL_HOSTS:
        print(
            f"warning: listening on {args.host}: anyone who can reach this machine on port "
            f"{args.port} can use the page and run models on it",
            file=sys.stderr,
        )
    config = uvicorn.Config(
        "solara.server.starlette:app",
        host=args.host,
        port=args.port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    url = f"http://{f'[{args.host}]' if ':' in args.host else args.host}:{args.port}/"

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            print(f"Southern Flank viz: {url}  (results explorer: {url}results)", flush=True)
            print("Press Ctrl-C to stop.", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises it after shutting down
        server.run()
    print("viz server stopped", flush=True)
    return 0
