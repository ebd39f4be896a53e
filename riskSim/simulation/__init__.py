"""How a scenario is simulated: :func:`simulate` and everything below it.

Owns the run's settings and memory check (:mod:`.monte_carlo`), the runners
that split replications into fixed-size batches and run them in-process, on a
process pool or on Dask (:mod:`.runners`), the compilation of a scenario into
arrays per batch (:mod:`.compile`), one batch from compile to reduced totals
(:mod:`.batch`), the random streams (:mod:`.rng`) and the SimPy engine
(:mod:`.engine`).

May import: :mod:`riskSim.scenario`, :mod:`riskSim.results` (the records it
fills), the shared leaves, numpy, numba, simpy (only in ``engine``), Dask
(only in the runner, only when asked for). Must never know about files,
terminals or charts.
"""

from __future__ import annotations

from riskSim.simulation.monte_carlo import check_memory, simulate, simulate_many, simulate_split

__all__ = ["check_memory", "simulate", "simulate_many", "simulate_split"]
