"""The Dockerfile passes hadolint (no Docker engine on these machines: the image itself is not built here)."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.prefix) / "bin" / "hadolint")
    done = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_image_runs_as_non_root_with_a_healthcheck_and_cadre_serve() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    user = [line for line in lines if line.startswith("USER ")][-1]
    assert user.split()[1] not in ("root", "0")
    assert any(line.startswith("HEALTHCHECK ") for line in lines)
    assert 'ENTRYPOINT ["cadre"]' in lines and 'CMD ["serve"]' in lines
