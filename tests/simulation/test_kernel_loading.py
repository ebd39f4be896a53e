"""Loading the compiled kernels costs a process what the kernels need, nothing more.

numba's first compile or cache load imports its registries, one of which checks
for a BLAS by importing scipy.linalg (half a second in every pool worker and
every small run). The engine does no linear algebra, so that check is left to
fail: the kernels run, scipy.linalg stays unloaded, and imports normally after.
"""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import numpy as np
from riskSim.simulation.engine import draws
people = draws.binomial(np.random.default_rng(1), np.array([[1000, 2000]]), 0.25)
print(int(people.sum()) > 0, "scipy.linalg" in sys.modules)
import scipy.linalg
print(float(scipy.linalg.det(np.eye(2))))
"""


def test_kernels_load_without_importing_scipy_linalg() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split("\n")[:2] == ["True False", "1.0"]
