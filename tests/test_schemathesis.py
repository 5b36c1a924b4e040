"""Schemathesis against Cadre's OpenAPI schema: no 500, no answer outside the schema. The management API with
the admin token; the /v1 gateway with a client key, forwarding to the fake upstream."""

import subprocess
import sys
from pathlib import Path

from tests.support import ADMIN_TOKEN
from tests.support.gateway import start


def schemathesis(base: str, token: str, cwd: Path, *options: str) -> None:
    command = [str(Path(sys.prefix) / "bin" / "schemathesis"), "run", f"{base}/openapi.json",
               "-H", f"Authorization: Bearer {token}",
               "--checks", "not_a_server_error,response_schema_conformance",
               "--max-examples", "25", "--workers", "1", "--no-color", *options]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout.split("SUMMARY")[-1]


def test_management_api(serve, tmp_path: Path) -> None:
    schemathesis(serve(), ADMIN_TOKEN, tmp_path, "--exclude-path-regex", "^/v1/")


def test_gateway(serve, upstream, tmp_path: Path) -> None:
    served = start(serve)
    schemathesis(served.url, served.key, tmp_path, "--include-path-regex", "^/v1/")
    assert upstream.requests, "schemathesis reached the upstream through Cadre"
