"""The CLI's commands on frames, keys, the admin token, migrations and the evaluation (``cadre serve`` and
``cadre mcp`` are in ``serve.py``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.cli.store import announce, store_of
from app.config import Settings
from app.frames.links import console_url
from app.frames.model import Finding, Frame
from app.frames.rules import lint
from app.messages import both
from app.storage import engine as db
from app.storage import migrations


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
async def migrate(args: argparse.Namespace, settings: Settings) -> int:
    announce(settings)
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


async def frame_archive(args: argparse.Namespace, settings: Settings) -> int:
    async with store_of(settings) as store:
        state = await store.archive(args.slug, args.by)
    print(both("cli.archived", slug=state.slug))
    return 0


async def frame_unarchive(args: argparse.Namespace, settings: Settings) -> int:
    async with store_of(settings) as store:
        state = await store.unarchive(args.slug, args.by)
    print(both("cli.unarchived", slug=state.slug))
    return 0


async def frame_lint(args: argparse.Namespace, settings: Settings) -> int:
    _, frame = read_frame_file(args.file)
    findings = lint(frame)
    print_findings(findings)
    return 1 if any(f.severity == "error" for f in findings) else 0


async def key_create(args: argparse.Namespace, settings: Settings) -> int:
    async with store_of(settings) as store:
        key, secret = await store.create_key(args.frame, args.name or "", args.refusal_style, args.rate_limit)
        state = await store.get_frame(args.frame)
    if state.published is None:  # (a key cannot be made for an archived frame: the store refuses it)
        url = console_url(settings.public_url, state.slug)
        print(f"cadre: {both('cli.key_unpublished', slug=state.slug, url=url)}", file=sys.stderr)
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


def rate_limit_arg(value: str) -> int | None:
    """``none`` or a number of requests per minute."""
    if value.strip().lower() == "none":
        return None
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: a number of requests per minute, or none") from None


def split_arg(value: str) -> str:
    """A split of the evaluation set, "all", or several joined by "+" ("blind11+blind12")."""
    from app.revelateur.evaluation import SPLITS, check_split
    try:
        return check_split(value)
    except ValueError:
        raise argparse.ArgumentTypeError(both("cli.eval_split_unknown", split=value, known=", ".join(SPLITS))) from None


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


def evaluate(args: argparse.Namespace, settings: Settings) -> int:
    """``cadre eval``: synchronous (the semantic stage and the judge run their upstream calls in a loop of
    their own)."""
    from app.frames.prompts import packaged_dir, prompt_environment
    from app.revelateur.eval_report import default_splits, format_report, run
    from app.revelateur.eval_stages import judge_call, semantic_stage
    from app.revelateur.evaluation import load_frames, load_watch
    from app.revelateur.semantic.backends import EmbeddingUnavailable

    eval_dir = Path(args.dir) if args.dir else packaged_dir("frames") / "eval"
    splits = [args.split] if args.split else default_splits(eval_dir)
    base_url = args.base_url or settings.upstream_base_url
    api_key = args.api_key or settings.upstream_key()
    try:
        watch_dir = Path(args.watch) if args.watch else eval_dir / "watch"
        watch = load_watch(watch_dir, load_frames(eval_dir)) if args.watch != "none" and watch_dir.is_dir() else None
        second = None
        if args.semantic != "off":
            model = args.semantic_model or (settings.semantic_model if settings.semantic == args.semantic else None)
            try:
                second = semantic_stage(args.semantic, model, args.semantic_threshold, base_url, api_key)
            except EmbeddingUnavailable as exc:
                print(f"cadre: {both('cli.eval_semantic_unavailable', reason=exc)}", file=sys.stderr)
        judge = judge_call(args.judge, base_url, api_key, prompt_environment(settings.prompts_dir),
                           settings.judge_timeout * 5) if args.judge else None
        reports = run(eval_dir, splits, watch, second, judge)
    except FileNotFoundError as exc:
        print(f"cadre: {both('cli.eval_file_missing', name=exc.filename)}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"cadre: {exc}", file=sys.stderr)
        return 1
    print(format_report(reports, errors=args.errors))
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
