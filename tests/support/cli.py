"""Run the real ``cadre`` command in a subprocess, against a database of the test's choosing: the one runner of
every test that runs the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

_SCRIPT = Path(sys.executable).parent / "cadre"  # the console script installed next to this interpreter
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "app.cli"]


def cadre(*args: str | Path, database_url: str | None = None, cwd: Path | None = None,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``cadre ARGS...`` in a clean environment (no CADRE_* variable but the ones given); never raises."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CADRE_") and k != "OPENAI_API_KEY"}
    if database_url is not None:
        clean["CADRE_DATABASE_URL"] = database_url
    clean.update(env or {})
    return subprocess.run([*COMMAND, *map(str, args)], capture_output=True, text=True, env=clean,
                          cwd=cwd or ROOT, timeout=120, check=False)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    """The command failed, if it did, with a message rather than a Python traceback."""
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


def finding_codes(output: str) -> list[str]:
    """The codes of the error findings printed by ``frame lint`` (stdout) or a refused publish (stderr)."""
    codes = []
    for line in output.splitlines():
        if line.startswith("✗"):
            parts = line.split()
            codes.append(parts[3] if parts[1] == "error" else parts[2])
    return codes
