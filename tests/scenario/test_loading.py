"""Every class of bad input: exit code 2, the file and field named, nothing written.

Each case is run through `risksim run` as a user would; the message must name
the file (or option), the dotted field and, where known, the YAML line.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import riskSim
from riskSim.cli import app
from riskSim.errors import InvalidInputError

runner = CliRunner()

GOOD = """\
name: good
horizon_days: 28
replications: 10
channels:
  social: {kind: rented, audience: 100}
  email: {kind: owned, audience: 10}
strategies:
  a: {capture: [{from: social, to: email, rate: 0.1}]}
shocks:
  - {type: pay_per_post, channel: social, at: 5}
"""

ONE_CHANNEL = "channels:\n  social: {kind: rented, audience: 1}\n"

# (case id, file text, text the message must contain, line or None)
BAD_FILES = [
    ("yaml-syntax", "name: t\nchannels: [a\n", "not valid YAML", 3),
    ("empty-file", "", "the file is empty", None),
    ("only-comments", "# nothing here\n", "the file is empty", None),
    ("top-level-list", "- a\n- b\n", "top level must be a mapping", None),
    ("top-level-scalar", "hello\n", "top level must be a mapping", None),
    ("duplicate-key", "name: t\nname: u\n" + ONE_CHANNEL, "name: duplicate key 'name'", 2),
    ("unknown-top-key", "chanels: {}\n", "chanels: unknown key 'chanels'; did you mean 'channels'?", 1),
    (
        "unknown-channel-key",
        "channels:\n  s: {kind: rented, audience: 1, organic_rech: 0.1}\n",
        "channels.s.organic_rech: unknown key 'organic_rech'; did you mean 'organic_reach'?",
        2,
    ),
    (
        "unknown-strategy-key",
        ONE_CHANNEL + "strategies:\n  a: {capture_rate: 0.1}\n",
        "strategies.a.capture_rate: unknown key",
        4,
    ),
    (
        "unknown-response-key",
        ONE_CHANNEL + "strategies:\n  a: {responses: {pay_per_pots: pay}}\n",
        "strategies.a.responses.pay_per_pots: unknown key 'pay_per_pots'; did you mean 'pay_per_post'?",
        4,
    ),
    (
        "unknown-shock-key",
        ONE_CHANNEL + "shocks:\n  - {type: pay_per_post, channel: social, fees: 3}\n",
        "shocks.0.fees: unknown key 'fees'; did you mean 'fee'?",
        4,
    ),
    (
        "unknown-dist-key",
        "channels:\n  s: {kind: rented, audience: 1, organic_reach: {dist: uniform, lo: 0, high: 1}}\n",
        "channels.s.organic_reach.lo: unknown key",
        2,
    ),
    ("unknown-workshop-key", ONE_CHANNEL + "workshop: {hide: true}\n", "workshop.hide: unknown key", 3),
    (
        "wrong-type",
        "channels:\n  s: {kind: rented, audience: lots}\n",
        "channels.s.audience: must be a number, got 'lots'",
        2,
    ),
    ("wrong-type-list", "channels:\n  s: [1, 2]\n", "channels.s: must be a mapping", 2),
    (
        "rate-above-one",
        "channels:\n  s: {kind: rented, audience: 1, organic_reach: 1.5}\n",
        "channels.s.organic_reach: must be between 0 and 1, got 1.5",
        2,
    ),
    (
        "rate-below-zero",
        "channels:\n  s: {kind: rented, audience: 1, daily_churn: -0.1}\n",
        "channels.s.daily_churn: must be between 0 and 1",
        2,
    ),
    ("negative-audience", "channels:\n  s: {kind: rented, audience: -5}\n", "channels.s.audience: must be >= 0", 2),
    (
        "negative-fee",
        ONE_CHANNEL + "shocks:\n  - {type: pay_per_post, channel: social, fee: -1}\n",
        "shocks.0.fee: must be >= 0",
        4,
    ),
    (
        "negative-onset",
        ONE_CHANNEL + "shocks:\n  - {type: pay_per_post, channel: social, at: -3}\n",
        "shocks.0.at: must be >= 0",
        4,
    ),
    (
        "negative-ramp",
        ONE_CHANNEL + "shocks:\n  - {type: reach_collapse, channel: social, ramp_days: -3}\n",
        "shocks.0.ramp_days: must be >= 0",
        4,
    ),
    ("nan", "channels:\n  s: {kind: rented, audience: .nan}\n", "channels.s.audience: must be a finite number", 2),
    ("infinity", "horizon_days: .inf\n" + ONE_CHANNEL, "horizon_days: must be a finite number", 1),
    (
        "nan-in-distribution",
        "channels:\n  s: {kind: rented, audience: 1, organic_reach: {dist: normal, mean: .nan, sd: 1}}\n",
        "channels.s.organic_reach.mean: must be a finite number",
        2,
    ),
    ("zero-horizon", "horizon_days: 0\n" + ONE_CHANNEL, "horizon_days: must be > 0, got 0", 1),
    ("negative-replications", "replications: -4\n" + ONE_CHANNEL, "replications: must be > 0", 1),
    ("no-channels-key", "name: t\n", "channels: is required but missing", None),
    ("no-channels", "channels: {}\n", "channels: needs at least 1 entry", 1),
    ("missing-kind", "channels:\n  s: {audience: 1}\n", "channels.s.kind: is required but missing", 2),
    (
        "shock-on-unknown-channel",
        ONE_CHANNEL + "shocks:\n  - {type: pay_per_post, channel: socail}\n",
        "shocks.0.channel: no channel named 'socail'; did you mean 'social'?",
        4,
    ),
    (
        "strategy-cadence-unknown-channel",
        ONE_CHANNEL + "strategies:\n  a: {posts_per_week: {socal: 3}}\n",
        "strategies.a.posts_per_week.socal: no channel named 'socal'; did you mean 'social'?",
        4,
    ),
    (
        "capture-from-unknown-channel",
        ONE_CHANNEL + "  email: {kind: owned, audience: 1}\n"
        "strategies:\n  a: {capture: [{from: linkdin, to: email, rate: 0.1}]}\n",
        "strategies.a.capture.0.from: no channel named 'linkdin'",
        5,
    ),
    (
        "capture-into-rented",
        ONE_CHANNEL + "  x: {kind: rented, audience: 1}\nstrategies:\n  a: {capture: [{from: social, to: x, rate: 0.1}]}\n",
        "strategies.a.capture.0.to: captures go into an owned channel, but 'x' is rented",
        5,
    ),
    (
        "unknown-shock-type",
        ONE_CHANNEL + "shocks:\n  - {type: pay_per_pots, channel: social}\n",
        "shocks.0.type: 'pay_per_pots' is not one of: pay_per_post",
        4,
    ),
    ("shock-without-type", ONE_CHANNEL + "shocks:\n  - {channel: social}\n", "shocks.0: needs a 'type' key", 4),
    (
        "unknown-response",
        ONE_CHANNEL + "strategies:\n  a: {responses: {pay_per_post: payy}}\n",
        "strategies.a.responses.pay_per_post: 'payy' is not one of: pay, reduce, exit; did you mean 'pay'?",
        4,
    ),
    (
        "unknown-kind",
        "channels:\n  s: {kind: rentd, audience: 1}\n",
        "channels.s.kind: 'rentd' is not one of: rented, owned; did you mean 'rented'?",
        2,
    ),
    (
        "unknown-distribution",
        "channels:\n  s: {kind: rented, audience: 1, organic_reach: {dist: unifrom, low: 0, high: 1}}\n",
        "channels.s.organic_reach.dist: 'unifrom' is not one of: uniform, triangular, normal, lognormal, beta; did you mean 'uniform'?",
        2,
    ),
    (
        "low-above-high",
        "channels:\n  s: {kind: rented, audience: 1, organic_reach: {dist: uniform, low: 0.5, high: 0.1}}\n",
        "channels.s.organic_reach: low (=0.5) must not be above high (=0.1)",
        2,
    ),
    (
        "negative-sd",
        "channels:\n  s: {kind: rented, audience: 1, organic_reach: {dist: normal, mean: 0.5, sd: -1}}\n",
        "channels.s.organic_reach.sd: must be >= 0",
        2,
    ),
    (
        "distribution-outside-rate-range",
        "channels:\n  s: {kind: rented, audience: 1, organic_reach: {dist: uniform, low: 0.5, high: 2}}\n",
        "channels.s.organic_reach: must be between 0 and 1, but this uniform distribution reaches",
        2,
    ),
    (
        "object-constructing-tag",
        'channels: !!python/object/apply:os.system ["echo pwned"]\n',
        "only plain YAML values are allowed",
        1,
    ),
    ("both-onsets", ONE_CHANNEL + "shocks:\n  - {type: pay_per_post, channel: social, at: 1, annual_probability: 0.2}\n",
     "shocks.0: give either at or annual_probability, not both", 4),
    ("bad-name", "name: my scenario!\n" + ONE_CHANNEL, "name: must be a slug", 1),
]


def run(path: Path, out: Path, *extra: str):
    return runner.invoke(app, ["run", str(path), "--out", str(out), "--no-charts", "-n", "5", *extra])


def assert_refused(result, out: Path, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert message.startswith("error: invalid input")
    assert "Traceback" not in result.output + message
    for fragment in fragments:
        assert fragment in message
    assert not out.exists()
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(("text", "expected", "line"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES])
def test_bad_file_is_refused_naming_file_field_and_line(
    tmp_path: Path, text: str, expected: str, line: int | None
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run(path, out)
    where = f"{path}:{line}:" if line else f"{path}:"
    assert_refused(result, out, where, expected)


def test_yaml_tags_never_execute(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "bad.yaml"
    path.write_text(f'channels: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert_refused(run(path, tmp_path / "out"), tmp_path / "out", "tags are never executed")
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    result = run(path, tmp_path / "out")
    assert time.perf_counter() - started < 10  # 9**9 values would take hours
    assert_refused(result, tmp_path / "out", "expands to more than")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "missing.yaml", "no such file"),
        (lambda d: d, "is a folder"),
        (lambda d: _write_bytes(d / "binary.yaml", b"\x7fELF\x02\x01\x00\x00\xff\xfe"), "not a text file"),
        (lambda d: _write_bytes(d / "latin.yaml", b"name: caf\xe9\n"), "not UTF-8 text"),
    ],
    ids=["missing-file", "folder", "binary-garbage", "not-utf8"],
)
def test_unreadable_paths(tmp_path: Path, make, expected: str) -> None:
    (tmp_path / "in").mkdir()
    path = make(tmp_path / "in")
    assert_refused(run(path, tmp_path / "out"), tmp_path / "out", expected)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(GOOD)
    path.chmod(0)
    assert_refused(run(path, tmp_path / "out"), tmp_path / "out", "cannot be read")


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("channels.socal.audience=5", "--set: channels.socal: no such entry; did you mean 'social'?"),
        ("shocks.3.fee=1", "--set: shocks.3: index 3 is out of range: 'shocks' has 1 entries"),
        ("shocks.x.fee=1", "--set: shocks.x: 'shocks' is a list"),
        ("nonsense", "--set: nonsense: expected PATH=VALUE"),
        ("channels.social.audience=", "--set: channels.social.audience: needs a value"),
        ("=5", "--set: =5: the path has an empty segment"),
        ("channels..audience=5", "the path has an empty segment"),
        ("horizon_days.x=1", "'horizon_days' is a single value, it has no field 'x'"),
        ("strategies.a.capture.0.rate=2", "--set: strategies.a.capture.0.rate: must be between 0 and 1, got 2"),
        ("channels.social.audiense=5", "--set: channels.social.audiense: unknown key 'audiense'; did you mean 'audience'?"),
        ("horizon_days=[1, 2", "cannot read value"),
    ],
)
def test_bad_overrides(tmp_path: Path, override: str, expected: str) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    assert_refused(run(path, tmp_path / "out", "--set", override), tmp_path / "out", expected)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--replications", "-3"], "--replications"),
        (["--format", "bmp"], "--format"),
        (["--workers", "0"], "--workers"),
        (["--seed", "-1"], "--seed"),
        (["--replications", "many"], "--replications"),
    ],
)
def test_bad_option_values(tmp_path: Path, options: list[str], expected: str) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), *options])
    assert result.exit_code == 2
    assert expected in result.output
    assert not out.exists()


def test_absurd_replications_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    out = tmp_path / "out"
    result = run(path, out, "--replications", "1000000000000")
    assert_refused(result, out, "--replications: 1,000,000,000,000 replications", "run at most")


def test_validate_lists_every_problem_of_every_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text("channels:\n  s: {kind: rentd, audience: -1, organic_reach: 2}\nhorizon_days: 0\n")
    with pytest.raises(InvalidInputError) as caught:
        riskSim.load_scenario(path)
    fields = [problem.field for problem in caught.value.problems]
    assert fields == ["horizon_days", "channels.s.kind", "channels.s.audience", "channels.s.organic_reach"] or sorted(
        fields
    ) == sorted(["horizon_days", "channels.s.kind", "channels.s.audience", "channels.s.organic_reach"])
    lines = {problem.field: problem.line for problem in caught.value.problems}
    assert lines["horizon_days"] == 3 and lines["channels.s.kind"] == 2


def test_extends_merges_and_names_the_file_a_problem_comes_from(tmp_path: Path) -> None:
    (tmp_path / "bases").mkdir()
    (tmp_path / "bases" / "base.yaml").write_text(
        "horizon_days: 28\nchannels:\n  social: {kind: rented, audience: 100, organic_reach: 0.1}\n"
    )
    child = tmp_path / "child.yaml"
    child.write_text("extends: bases/base.yaml\nname: child\nchannels:\n  social: {audience: 300}\n")
    scenario = riskSim.load_scenario(child)
    assert scenario.channels["social"].audience == 300
    assert scenario.channels["social"].organic_reach == 0.1 and scenario.horizon_days == 28
    broken = tmp_path / "broken.yaml"
    broken.write_text("extends: bases/base.yaml\nchannels:\n  social: {organic_reach: 3}\n")
    with pytest.raises(InvalidInputError) as caught:
        riskSim.load_scenario(broken)
    (problem,) = caught.value.problems
    assert (problem.source, problem.field, problem.line) == (str(broken), "channels.social.organic_reach", 3)


def test_extends_cycle_and_missing_base(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(InvalidInputError, match="a cycle"):
        riskSim.load_scenario(tmp_path / "a.yaml")
    (tmp_path / "c.yaml").write_text("extends: nowhere.yaml\n")
    with pytest.raises(InvalidInputError, match="extends: no such file 'nowhere.yaml'"):
        riskSim.load_scenario(tmp_path / "c.yaml")


def test_resolved_scenario_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    scenario = riskSim.load_scenario(path, ["channels.social.organic_reach={dist: beta, alpha: 2, beta: 5}"])
    again = tmp_path / "again.yaml"
    again.write_text(riskSim.scenario_to_yaml(scenario))
    assert riskSim.load_scenario(again) == scenario
    assert "extends" not in yaml.safe_load(again.read_text())
