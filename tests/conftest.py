import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "euronews-de-putin-lukaschenko.txt"


class Run:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")


@pytest.fixture
def artclean():
    """Run the real command line in a subprocess: exit code, stdout and stderr as a user sees them."""

    def run(*args, stdin: bytes = b"", cwd=None, env=None) -> Run:
        proc = subprocess.run([sys.executable, "-m", "artclean", *map(str, args)], input=stdin,
                              capture_output=True, cwd=cwd, env=env, timeout=60)
        return Run(proc)

    return run
