"""The README's quick start, run as written (port aside): serve, import a frame, make a key, call cadre-preview."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support import ROOT, free_port

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _quick_start_blocks() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.S)


def test_quick_start_runs_as_written(tmp_path: Path) -> None:
    port = free_port()
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "frames").symlink_to(ROOT / "frames")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CADRE_") and k != "OPENAI_API_KEY"}
    env["CADRE_PORT"] = str(port)
    server = subprocess.Popen([str(tmp_path / ".venv/bin/cadre"), "serve"], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "cadre serve did not start"
            time.sleep(0.1)
        setup, call, _real_upstream = _quick_start_blocks()
        script = (setup + call).replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, timeout=120,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        # cadre-preview answers with the body that would go upstream: the frame first, then the question.
        assert '"role": "system"' in done.stdout and "La Roue Libre" in done.stdout
        assert "Écris un post LinkedIn sur notre atelier." in done.stdout
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "admin token generated" in output  # printed once, on first start
