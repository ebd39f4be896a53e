"""``risksim`` ends with :func:`gc.freeze`, whatever way its command ends (see ``main``).

The interpreter's shutdown otherwise walks every live object several times
(0.2-0.3 s of every run). The freeze must leave the exit code, the output and
the atexit handlers as they were.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

AT_EXIT = """
import atexit, gc, sys
atexit.register(lambda: print("frozen", gc.get_freeze_count(), file=sys.stderr))
sys.argv = ["risksim", *sys.argv[1:]]
from riskSim.cli import main
main()
"""


@pytest.mark.parametrize(
    ("arguments", "code", "said"),
    [
        (["validate", "scenarios/linkedin-pay-per-post.yaml"], 0, "1 file(s) valid."),
        (["validate", "no-such-scenario.yaml"], 2, "no-such-scenario.yaml"),
        (["run", "--no-such-flag"], 2, "--no-such-flag"),
    ],
)
def test_every_ending_freezes_and_keeps_its_exit_code(
    arguments: list[str], code: int, said: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", AT_EXIT, *arguments],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == code, done.stderr
    assert said in done.stdout + done.stderr
    frozen = [line for line in done.stderr.splitlines() if line.startswith("frozen ")]
    assert len(frozen) == 1, done.stderr  # the atexit handler still ran, once
    assert int(frozen[0].split()[1]) > 10_000  # numpy, typer, pydantic... all frozen
