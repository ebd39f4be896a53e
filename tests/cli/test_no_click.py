"""The CLI needs typer alone: typer ships its own click, which a core install does not.

``make run`` installs only the core dependencies, where ``import click`` fails
(only the dev extras bring click, through Dask). Typer's exits must also pass
through :func:`riskSim.cli.app.user_errors` as exits, never as internal errors.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer

from riskSim.cli.app import user_errors

WITHOUT_CLICK = """
import importlib.abc, sys

class RefuseClick(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "click" or name.startswith("click."):
            raise ImportError("no click in a core install")

sys.meta_path.insert(0, RefuseClick())
sys.argv = ["risksim", "validate", "scenarios/linkedin-pay-per-post.yaml"]
from riskSim.cli import main
main()
"""


def test_the_cli_runs_where_click_is_not_installed() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_CLICK], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("1 file(s) valid.")


@pytest.mark.parametrize("raised", [typer.Exit(3), typer.Abort(), typer.BadParameter("bad")])
def test_typers_own_exits_pass_through_user_errors(raised: Exception) -> None:
    with pytest.raises(type(raised)), user_errors():
        raise raised
