"""The README shows what ships: its sample scenario is a shipped file, byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

import riskSim

ROOT = Path(__file__).resolve().parents[1]


def test_every_sample_scenario_in_the_readme_is_a_shipped_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    scenarios = [block for block in blocks if re.search(r"^channels:", block, flags=re.M)]
    assert scenarios, "the README shows a sample scenario"
    shipped = {
        path: path.read_text(encoding="utf-8")
        for folder in ("scenarios", "examples")
        for path in (ROOT / folder).rglob("*.yaml")
    }
    for block in scenarios:
        matches = [path for path, text in shipped.items() if text == block]
        name = re.search(r"^name: (\S+)", block, flags=re.M)
        assert matches, f"the README's sample {name and name.group(1)} is not a shipped file"
        # and it loads and names itself as the file does
        scenario = riskSim.load_scenario(matches[0])
        assert name is None or scenario.name == name.group(1)
