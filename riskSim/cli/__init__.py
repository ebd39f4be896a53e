"""The ``risksim`` command: a thin shell over the Python API.

This package is the only place that imports typer and rich. Its modules
parse options, call the library and render; the library raises its own
exceptions and only :mod:`riskSim.cli.app` turns them into exit codes.

May import every other package (it is the top of the flow); nothing in
``riskSim`` may import it.
"""

from __future__ import annotations

from riskSim.cli.app import app, main

# Commands register themselves on ``app`` when imported.
from riskSim.cli import run as _run  # noqa: F401  isort: skip
from riskSim.cli import library as _library  # noqa: F401  isort: skip
from riskSim.cli import charts as _charts  # noqa: F401  isort: skip
from riskSim.cli import sweep as _sweep  # noqa: F401  isort: skip
from riskSim.cli import workshop as _workshop  # noqa: F401  isort: skip
from riskSim.cli import calibrate as _calibrate  # noqa: F401  isort: skip
from riskSim.cli import optimize as _optimize  # noqa: F401  isort: skip

__all__ = ["app", "main"]
