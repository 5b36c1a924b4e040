"""The README as a new user reads it: its first command in a fresh virtual environment, installing the wheel
``python -m build`` makes (so the packaging is covered: dependencies, prompts and example frames inside), then
the quick start's commands and Python snippet, as written (port aside), against that server."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support import ROOT, free_port

README = (ROOT / "README.md").read_text(encoding="utf-8")
pytestmark = pytest.mark.slow


def _blocks(section: str) -> list[str]:
    text = README.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def _run(command: list[str] | str, cwd: Path, env: dict[str, str], timeout: int = 600) -> str:
    shell = isinstance(command, str)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", command] if shell else command, cwd=cwd, env=env,
                          timeout=timeout, capture_output=True, text=True)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_first_command_from_a_built_wheel_then_the_quick_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CADRE_", "VIRTUAL_ENV", "PYTHONPATH")) and k != "OPENAI_API_KEY"}
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(ROOT)], ROOT, env)
    wheel = next((tmp_path / "dist").glob("cadre-*.whl"))
    user = tmp_path / "user"  # a folder of the user's: the wheel, and the example frames of the clone
    user.mkdir()
    (user / "frames").symlink_to(ROOT / "frames")

    first = _blocks("Two commands")[0].strip()
    install, serve = first.rsplit(" && ", 1)
    assert "pip install -e ." in install and serve == ".venv/bin/cadre serve"
    _run(install.replace("pip install -e .", f"pip install -q {wheel}"), user, env)

    port = free_port()
    server_env = {**env, "CADRE_PORT": str(port)}
    server = subprocess.Popen(["bash", "-c", serve], cwd=user, env=server_env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "cadre serve did not start"
            time.sleep(0.1)
        setup, call, _real_upstream = _blocks("Quick start")
        script = (setup + call).replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        out = _run(script, user, server_env, timeout=120)
        # cadre-preview answers with the body that would go upstream: the frame first, then the question.
        assert '"role": "system"' in out and "La Roue Libre" in out
        assert "Écris un post LinkedIn sur notre atelier." in out
    finally:
        server.terminate()
        stdout, stderr = (part.decode() for part in server.communicate(timeout=30))
    assert "admin token generated" in stdout  # printed once, on first start
    assert f"http://127.0.0.1:{port}/admin" in stdout and str(user / "cadre-data" / "cadre.db") in stdout
    # The installed package is the wheel, not this checkout: its prompts and frames came inside it.
    site = next((user / ".venv" / "lib").glob("python3*/site-packages"))
    assert (site / "app" / "_packaged" / "prompts" / "frame.fr.j2").is_file()
    assert "Traceback" not in stderr
