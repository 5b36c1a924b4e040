"""The ``cadre`` command: serve, migrate, frame import/export/lint/list, key create/list/revoke, token."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.api.outcomes import as_error
from app.config import Settings
from app.errors import CadreError
from app.frames.model import Finding, Frame
from app.frames.rules import lint
from app.messages import both
from app.ops.logs import log_config
from app.ops.server import uvicorn_options
from app.storage import migrations
from app.storage import schema as db
from app.storage.outcomes import SchemaBehind, StorageOutcome, StoreUnavailable
from app.storage.store import Store

Handler = Callable[[argparse.Namespace, Settings], Awaitable[int]]


@contextlib.asynccontextmanager
async def store_of(settings: Settings) -> AsyncIterator[Store]:
    """The store for one command, closed afterwards (a CadreError reaches ``main``, which prints it)."""
    store = await open_store(settings)
    try:
        yield store
    finally:
        await store.close()


async def open_store(settings: Settings, migrate_sqlite: bool = True) -> Store:
    """The store of ``settings``; SQLite is migrated on the way, PostgreSQL must be migrated already."""
    try:
        return Store(await migrations.open_engine(settings.database_url, migrate_sqlite))
    except SchemaBehind as exc:
        raise SystemExit(f"cadre: {both('error.schema_behind', steps=exc)}") from None


def print_findings(findings: list[Finding], out: Any = sys.stdout) -> None:
    if not findings:
        print(both("cli.nothing_to_clarify"), file=out)
    for f in findings:
        mark = "✗" if f.severity == "error" else "!"
        print(f"{mark} {f.severity:7} {f.field:24} {f.code:30} {f.message}", file=out)


def read_frame_file(path: str) -> tuple[str | None, Frame]:
    """(slug, frame) from a YAML file of ``slug`` plus the frame fields; exits 1 on a bad file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SystemExit(f"cadre: cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise SystemExit(f"cadre: {path}: expected a mapping of frame fields")
    slug = data.pop("slug", None)
    try:
        return (str(slug) if slug is not None else None), Frame.model_validate(data)
    except ValidationError as exc:
        lines = [f"  {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise SystemExit(f"cadre: {path}: invalid frame\n" + "\n".join(lines)) from None


# ------------------------------------------------------------------------------------------ commands
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


def serve(args: argparse.Namespace, settings: Settings) -> int:
    import signal

    import uvicorn

    # After its graceful shutdown uvicorn raises the SIGTERM it caught again, under the handler found before it
    # started: with the default one the process dies of the signal (status -15). A stop asked for and done
    # cleanly is a success (exit 0) for an orchestrator, so that second delivery is ignored.
    signal.signal(signal.SIGTERM, lambda *_: None)
    _fewer_malloc_arenas()
    # Cadre's connection limits (head size and time, body time, connections, keep-alive) and the proxies allowed
    # to set X-Forwarded-For: app/ops/server.py.
    uvicorn.run("app.main:create_app", factory=True, host=args.host or settings.host,
                port=args.port or settings.port, workers=args.workers or settings.workers,
                loop="uvloop", log_level=settings.log_level,
                log_config=log_config(settings.log_level), access_log=args.access_log,
                timeout_graceful_shutdown=settings.shutdown_grace, **uvicorn_options(settings))
    return 0


async def migrate(args: argparse.Namespace, settings: Settings) -> int:
    engine = db.create_engine(settings.database_url)
    try:
        applied = await migrations.migrate(engine)
    finally:
        await engine.dispose()
    print("\n".join(f"applied {name}" for name in applied) or "schema up to date")
    return 0


async def frame_import(args: argparse.Namespace, settings: Settings) -> int:
    slug, frame = read_frame_file(args.file)
    slug = args.slug or slug
    if not slug:
        raise SystemExit("cadre: the file has no `slug` (or pass --slug)")
    async with store_of(settings) as store:
        state = await store.save_draft(slug, frame, args.by)
        print(f"draft saved: {slug} (revision {state.revision})")
        print_findings(lint(frame))
        if args.publish:
            if state.published is not None and not state.draft_differs():
                print(f"already published as version {state.published.version}")
                return 0
            state = await store.publish(slug, args.by)
            assert state.published is not None
            print(f"published: {slug} version {state.published.version}")
    return 0


async def frame_export(args: argparse.Namespace, settings: Settings) -> int:
    async with store_of(settings) as store:
        if args.version:
            frame = (await store.version(args.slug, args.version)).frame
        else:
            state = await store.get_frame(args.slug)
            frame = state.draft if args.draft or state.published is None else state.published.frame
    data = {"slug": args.slug, **frame.model_dump(mode="json")}
    sys.stdout.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return 0


async def frame_list(args: argparse.Namespace, settings: Settings) -> int:
    async with store_of(settings) as store:
        for state in await store.list_frames(include_archived=True):
            published = f"v{state.published.version}" if state.published else "-"
            archived = " (archived)" if state.archived_at else ""
            print(f"{state.slug:30} published {published:6} revision {state.revision}{archived}")
    return 0


async def frame_policy(args: argparse.Namespace, settings: Settings) -> int:
    async with store_of(settings) as store:
        state = await store.set_policy(args.slug, args.policy)
    print(f"check policy of {state.slug}: {state.check_policy}")
    return 0


async def frame_lint(args: argparse.Namespace, settings: Settings) -> int:
    _, frame = read_frame_file(args.file)
    findings = lint(frame)
    print_findings(findings)
    return 1 if any(f.severity == "error" for f in findings) else 0


async def key_create(args: argparse.Namespace, settings: Settings) -> int:
    async with store_of(settings) as store:
        key, secret = await store.create_key(args.frame, args.name or "", args.refusal_style, args.rate_limit)
    print(f"key {key.id} for frame {key.frame} (shown once, stored hashed):")
    print(secret)
    return 0


async def key_list(args: argparse.Namespace, settings: Settings) -> int:
    async with store_of(settings) as store:
        for key in await store.list_keys(args.frame):
            state = "revoked" if key.revoked_at else "active"
            limit = f"{key.rate_limit}/min" if key.rate_limit else "-"
            print(f"{key.id:22} {key.frame:24} {state:8} {key.refusal_style:8} {limit:10} {key.hint:20} {key.name}")
    return 0


def _rate_limit_arg(value: str) -> int | None:
    """``none`` or a number of requests per minute."""
    if value.strip().lower() == "none":
        return None
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: a number of requests per minute, or none") from None


async def key_limit(args: argparse.Namespace, settings: Settings) -> int:
    async with store_of(settings) as store:
        key = await store.set_rate_limit(args.id, args.rate_limit)
    print(f"{key.id}: {f'{key.rate_limit} requests per minute' if key.rate_limit else 'no rate limit'}")
    return 0


async def key_revoke(args: argparse.Namespace, settings: Settings) -> int:
    async with store_of(settings) as store:
        key = await store.revoke_key(args.id)
    print(f"revoked {key.id}")
    return 0


async def evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from app.frames.prompts import packaged_dir
    from app.revelateur.evaluation import evaluate as run_evaluation
    from app.revelateur.evaluation import format_report

    eval_dir = Path(args.dir) if args.dir else packaged_dir("frames") / "eval"
    try:
        report = run_evaluation(eval_dir, args.split)
    except FileNotFoundError as exc:
        print(f"cadre: {both('cli.eval_file_missing', name=exc.filename)}", file=sys.stderr)
        return 1
    print(format_report(report, errors=args.errors))
    return 0


async def token_reset(args: argparse.Namespace, settings: Settings) -> int:
    async with store_of(settings) as store:
        token = await store.reset_admin_tokens()
    print("new admin token (shown once, stored hashed; the old one and every console session end on every running "
          "server within CADRE_CACHE_CHECK_INTERVAL):")
    print(token)
    if settings.admin_token is not None:
        print(both("cli.configured_token_stays"), file=sys.stderr)
    return 0


# -------------------------------------------------------------------------------------------- parser
def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cadre", description="Cadre: the strategic frame before the AI.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="run the gateway, the API and the console")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--workers", type=int)
    s.add_argument("--access-log", action="store_true", help="log every request (off by default: speed)")
    s.set_defaults(sync_handler=serve)

    sub.add_parser("migrate", help="apply pending database migrations").set_defaults(handler=migrate)

    frame = sub.add_parser("frame", help="frames").add_subparsers(dest="frame_command", required=True)
    f = frame.add_parser("import", help="save a YAML frame as the draft (and publish it)")
    f.add_argument("file")
    f.add_argument("--slug", help="override the file's slug")
    f.add_argument("--publish", action="store_true", help="publish it if the linter finds no error")
    f.add_argument("--by", default="cli", help="who is acting (kept in the history)")
    f.set_defaults(handler=frame_import)
    f = frame.add_parser("export", help="print a frame as YAML (published version, else draft)")
    f.add_argument("slug")
    f.add_argument("--version", type=int, help="a given published version")
    f.add_argument("--draft", action="store_true", help="the draft, even when a version is published")
    f.set_defaults(handler=frame_export)
    f = frame.add_parser("lint", help="check a YAML frame's clarity; exit 1 on errors")
    f.add_argument("file")
    f.set_defaults(handler=frame_lint)
    frame.add_parser("list", help="list frames").set_defaults(handler=frame_list)
    f = frame.add_parser("policy", help="set what the gateway does with off-frame requests")
    f.add_argument("slug")
    f.add_argument("policy", choices=("off", "flag", "refuse"),
                   help="off: no check; flag: check, record, forward (default); refuse: refuse them (400)")
    f.set_defaults(handler=frame_policy)

    key = sub.add_parser("key", help="client keys").add_subparsers(dest="key_command", required=True)
    k = key.add_parser("create", help="create a key; the secret is the last line printed")
    k.add_argument("--frame", required=True)
    k.add_argument("--name")
    k.add_argument("--refusal-style", choices=("error", "message"), default="error")
    k.add_argument("--rate-limit", type=int, metavar="N", help="requests per minute (default: no limit)")
    k.set_defaults(handler=key_create)
    k = key.add_parser("list", help="list keys")
    k.add_argument("--frame")
    k.set_defaults(handler=key_list)
    k = key.add_parser("limit", help="set a key's requests per minute")
    k.add_argument("id")
    k.add_argument("rate_limit", metavar="N|none", type=_rate_limit_arg, help="requests per minute, or none")
    k.set_defaults(handler=key_limit)
    k = key.add_parser("revoke", help="revoke a key at once")
    k.add_argument("id")
    k.set_defaults(handler=key_revoke)

    e = sub.add_parser("eval", help="precision and recall of the off-frame check on a labelled set")
    e.add_argument("--split", choices=("dev", "test", "holdout", "all"), default="holdout",
                   help="holdout (default): written blind to the matcher, never tuned on; dev and test were")
    e.add_argument("--dir", help="an evaluation folder (default: the project's frames/eval)")
    e.add_argument("--errors", action="store_true", help="list the requests it gets wrong")
    e.set_defaults(handler=evaluate)

    token = sub.add_parser("token", help="the admin token").add_subparsers(dest="token_command", required=True)
    token.add_parser("reset", help="replace the stored admin token by a new one, printed once").set_defaults(
        handler=token_reset)
    return p


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
