"""A first run from the command line: the version, help for every option, one documented data folder said by
every command (and a new empty database announced), archiving from the CLI, warnings on a key that will be
refused, and ``cadre serve`` saying where things are, leading ``/`` to the console, warning about an upstream
without a key, and logging readable lines on a terminal and JSON otherwise."""

from __future__ import annotations

import argparse
import json
import os
import pty
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import yaml

from app.cli.main import cadre_version, parser
from tests.support import free_port, good_frame
from tests.support.cli import COMMAND, cadre, no_traceback


def write_frame(path: Path, slug: str, frame: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump({"slug": slug, **frame}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ the command
def test_version_prints_the_installed_version() -> None:
    result = cadre("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"cadre {cadre_version()}"
    assert cadre_version() not in ("", "unknown")


def _every_action(p: argparse.ArgumentParser, path: str = "cadre") -> Iterator[tuple[str, argparse.Action]]:
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _every_action(child, f"{path} {name}")
        elif not isinstance(action, argparse._HelpAction):
            yield path, action


def test_every_option_and_argument_has_help() -> None:
    missing = [f"{path} {action.dest}" for path, action in _every_action(parser()) if not action.help]
    assert missing == []
    subcommands = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert {c.dest: c.help for c in subcommands._choices_actions}.keys() >= {"serve", "mcp", "frame", "key"}


def test_serve_help_documents_each_option() -> None:
    result = cadre("serve", "--help")
    assert result.returncode == 0
    for option, words in (("--host", "CADRE_HOST"), ("--port", "CADRE_PORT"), ("--workers", "CADRE_WORKERS"),
                          ("--access-log", "log every request")):
        line = next(line for line in result.stdout.splitlines() if line.strip().startswith(option))
        assert words in line or words in result.stdout.split(option, 1)[1].split("--", 1)[0]


# ------------------------------------------------------------------------------------- the data folder
def test_the_database_is_in_the_data_folder_and_every_command_says_which(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first = cadre("frame", "list", cwd=tmp_path)
    database = tmp_path / "cadre-data" / "cadre.db"
    assert first.returncode == 0, first.stderr
    assert first.stderr.startswith(f"cadre: aucune base à {database} : une base vide y est créée")
    assert f"no database at {database}: a new, empty one is created there" in first.stderr
    assert database.exists()
    again = cadre("frame", "list", cwd=tmp_path)
    assert again.stderr == f"cadre: base de données / database: {database}\n"
    # From another folder without settings, the CLI would work on another database: it says so before.
    other = cadre("frame", "list", cwd=elsewhere)
    assert f"no database at {elsewhere / 'cadre-data' / 'cadre.db'}" in other.stderr
    # CADRE_DATA_DIR names the folder wherever the command runs.
    shared = cadre("frame", "list", cwd=elsewhere, env={"CADRE_DATA_DIR": str(tmp_path / "cadre-data")})
    assert shared.stderr == f"cadre: base de données / database: {database}\n"


# --------------------------------------------------------------------------------------- frames and keys
def test_frame_archive_and_unarchive(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cadre.db"
    path = write_frame(tmp_path / "f.yaml", "rustine", good_frame())
    assert cadre("frame", "import", path, "--publish", database_url=url).returncode == 0
    archived = cadre("frame", "archive", "rustine", database_url=url)
    assert archived.returncode == 0, archived.stderr
    assert "archived: rustine" in archived.stdout
    assert "(archived)" in cadre("frame", "list", database_url=url).stdout
    back = cadre("frame", "unarchive", "rustine", database_url=url)
    assert back.returncode == 0 and "brought back: rustine" in back.stdout
    assert "(archived)" not in cadre("frame", "list", database_url=url).stdout
    unknown = cadre("frame", "archive", "nope", database_url=url)
    no_traceback(unknown)
    assert unknown.returncode == 1 and "No frame “nope”" in unknown.stderr


def test_key_create_warns_when_the_frame_cannot_be_served(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cadre.db"
    path = write_frame(tmp_path / "f.yaml", "rustine", good_frame())
    assert cadre("frame", "import", path, database_url=url).returncode == 0  # a draft only
    draft = cadre("key", "create", "--frame", "rustine", database_url=url)
    assert draft.returncode == 0
    assert "this key is refused (frame_missing) until it is published: http://127.0.0.1:8000/admin/frames/rustine" \
        in draft.stderr
    assert draft.stdout.splitlines()[-1].startswith("cadre_sk_")  # the secret stays alone on the last line
    assert cadre("frame", "import", path, "--publish", database_url=url).returncode == 0
    published = cadre("key", "create", "--frame", "rustine", database_url=url)
    assert "warning" not in published.stderr
    assert cadre("frame", "archive", "rustine", database_url=url).returncode == 0
    archived = cadre("key", "create", "--frame", "rustine", database_url=url)
    assert archived.returncode == 1 and "cadre frame unarchive rustine" in archived.stderr


# ------------------------------------------------------------------------------------------ cadre serve
class Serving:
    """``cadre serve`` in a subprocess, its output collected."""

    def __init__(self, cwd: Path, env: dict[str, str], stderr: int | None = None) -> None:
        self.port = free_port()
        clean = {k: v for k, v in os.environ.items() if not k.startswith("CADRE_") and k != "OPENAI_API_KEY"}
        token = "first-run-token-0123456789-abcdefghij"  # 32 characters at least
        self.env = {**clean, "CADRE_PORT": str(self.port), "CADRE_ADMIN_TOKEN": token, **env}
        self.process = subprocess.Popen([*COMMAND, "serve"], cwd=cwd, env=self.env, stdout=subprocess.PIPE,
                                        stderr=stderr if stderr is not None else subprocess.PIPE)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and self.process.poll() is None, "cadre serve did not start"
            time.sleep(0.1)

    def stop(self) -> tuple[str, str]:
        self.process.terminate()
        out, err = self.process.communicate(timeout=30)
        return out.decode(), (err or b"").decode()


def test_serve_says_where_everything_is_and_leads_to_the_console(tmp_path: Path) -> None:
    serving = Serving(tmp_path, {})  # the default upstream (OpenAI) without a key
    try:
        serving.wait_ready()
        home = httpx.get(serving.url + "/", timeout=5)
        assert (home.status_code, home.headers["location"]) == (303, "/admin")
        assert httpx.get(serving.url + "/", timeout=5, follow_redirects=True).url.path.startswith("/admin")
    finally:
        out, err = serving.stop()
    database = tmp_path / "cadre-data" / "cadre.db"
    assert f"console d'administration / admin console: {serving.url}/admin" in out
    assert f"passerelle OpenAI / OpenAI gateway: {serving.url}/v1" in out
    assert f"serveur MCP / MCP server: {serving.url}/mcp" in out
    assert f"base de données / database: {database} (new)" in out
    warnings = [json.loads(line) for line in err.splitlines() if '"warning"' in line]  # not a terminal: JSON lines
    assert any("https://api.openai.com/v1 has no key" in w["message"] for w in warnings), err


def test_serve_does_not_warn_about_a_local_upstream(tmp_path: Path) -> None:
    serving = Serving(tmp_path, {"CADRE_UPSTREAM_BASE_URL": "http://127.0.0.1:11434/v1"})
    try:
        serving.wait_ready()
    finally:
        _, err = serving.stop()
    assert "has no key" not in err


def test_logs_are_readable_lines_on_a_terminal(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    serving = Serving(tmp_path, {}, stderr=follower)
    os.close(follower)
    chunks: list[bytes] = []
    try:
        serving.wait_ready()
        busy = Serving(tmp_path, {"CADRE_PORT": str(serving.port), "CADRE_LOG_FORMAT": "text"})
        _, busy_err = busy.process.communicate(timeout=30)  # the same port: it cannot start
    finally:
        serving.stop()
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
    terminal = b"".join(chunks).decode()
    assert "warning cadre: l'amont https://api.openai.com/v1 n'a pas de clé" in terminal
    assert not any(line.lstrip().startswith("{") for line in terminal.splitlines())
    assert "address already in use" in busy_err.decode() and '{"time"' not in busy_err.decode()
