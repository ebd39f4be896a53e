"""The SimPy engine: one clock per batch, every replication's state in numpy arrays.

Owns the processes (posting per channel, shocks, daily audience dynamics,
strategy reviews), the exact draws (:mod:`.draws`, numba), and the split of a
shocked world from the calm world it shares its past with (:mod:`.divergence`).

May import: :mod:`riskSim.simulation.compile` (its input), :mod:`riskSim.simulation.rng`,
:mod:`riskSim.errors`, :mod:`riskSim.units`, numpy, numba, simpy. This is the
only package that imports simpy. Must never know about files, terminals,
charts or summaries.
"""
