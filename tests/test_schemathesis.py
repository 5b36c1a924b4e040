"""Schemathesis against the management API's OpenAPI schema: no 500, no answer outside the schema."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import ADMIN_TOKEN


def test_no_server_error_and_no_schema_violation(serve, tmp_path: Path) -> None:
    base = serve()
    command = [str(Path(sys.prefix) / "bin" / "schemathesis"), "run", f"{base}/openapi.json",
               "-H", f"Authorization: Bearer {ADMIN_TOKEN}",
               "--checks", "not_a_server_error,response_schema_conformance",
               "--max-examples", "25", "--workers", "1", "--no-color"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout.split("SUMMARY")[-1]
