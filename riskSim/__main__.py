"""``python -m riskSim``: the same as the ``risksim`` command."""

from riskSim.cli import main

main()
