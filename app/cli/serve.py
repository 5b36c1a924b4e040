"""``cadre serve``: the gateway, the API, the console and the MCP server under uvicorn, after saying where each
is and which database it uses."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import sys

from app.cli.store import is_new, where
from app.config import Settings
from app.messages import both
from app.ops.logs import log_config
from app.ops.server import uvicorn_options


def _fewer_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas (MALLOC_ARENA_MAX) before any thread starts. Each database connection runs in
    a thread of its own (aiosqlite), and glibc gives threads arenas of their own that stay resident: measured
    2 MB less per process after a load (bench/README.md). The variable is set too, for the worker processes
    (``--workers``), which glibc reads when they start. Nothing changes when the operator set it, or
    without glibc."""
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return
    os.environ["MALLOC_ARENA_MAX"] = str(arenas)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)  # M_ARENA_MAX, for this process


def address(settings: Settings, host: str, port: int) -> str:
    """Where people reach this server: CADRE_PUBLIC_URL when it was set, else the address it listens on."""
    if "public_url" in settings.model_fields_set:
        return settings.public_url.rstrip("/")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"


def banner(settings: Settings, host: str, port: int) -> str:
    """What `cadre serve` prints first: the console, the gateway, the docs, the MCP server, the database."""
    url = address(settings, host, port)
    database = where(settings) + (" (new)" if is_new(settings) else "")
    rows = [("cli.serve_console", f"{url}/admin"), ("cli.serve_gateway", f"{url}/v1"),
            ("cli.serve_docs", f"{url}/docs"), ("cli.serve_mcp", f"{url}/mcp"), ("cli.database", database)]
    return "Cadre\n" + "\n".join(f"  {both(key)}: {value}" for key, value in rows)


def log_format(settings: Settings) -> str:
    """text or json: ``auto`` is text on a terminal (people read it), json otherwise (collectors parse it)."""
    if settings.log_format != "auto":
        return settings.log_format
    return "text" if sys.stderr.isatty() else "json"


def serve(args: argparse.Namespace, settings: Settings) -> int:
    import signal

    import uvicorn

    # After its graceful shutdown uvicorn raises the SIGTERM it caught again, under the handler found before it
    # started: with the default one the process dies of the signal (status -15). A stop asked for and done
    # cleanly is a success (exit 0) for an orchestrator, so that second delivery is ignored.
    signal.signal(signal.SIGTERM, lambda *_: None)
    _fewer_malloc_arenas()
    host, port = args.host or settings.host, args.port or settings.port
    print(banner(settings, host, port), flush=True)
    # Cadre's connection limits (head size and time, body time, connections, keep-alive) and the proxies allowed
    # to set X-Forwarded-For: app/ops/server.py.
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=args.workers or settings.workers,
                loop="uvloop", log_level=settings.log_level,
                log_config=log_config(settings.log_level, log_format(settings)), access_log=args.access_log,
                timeout_graceful_shutdown=settings.shutdown_grace, **uvicorn_options(settings))
    return 0
