"""Several runs built on :func:`riskSim.simulate`: sweeps, comparisons, workshops.

Owns the study designs: one field (or a grid of two) varied over a strategy
(:mod:`.sweep`), scenarios and variants side by side (:mod:`.compare`), and
teams' strategies facing the same shocks on common random numbers, ranked
fairly (:mod:`.workshop`). Each returns data.

May import: :mod:`riskSim.scenario`, :mod:`riskSim.simulation`,
:mod:`riskSim.results`, the shared leaves. Must never write files, draw
charts or print: :mod:`riskSim.outputs` and :mod:`riskSim.cli` do that.
"""
