"""``--shard i/N``: the shares partition the scenario's modems exactly, the same way every
time, and a modem of a shard is the modem of the one-process run: name, ports, generator,
timeline draws."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st
from twisted.internet.task import Clock
from twisted.python import usage

from simulator.scenario.loader import load
from simulator.service import make_service
from simulator.shards import WHOLE, Shard, ShardError

SCENARIO = """\
modems:
  - name: lab-{n:02d}
    count: 11
    ports:
      - tcp: "tcp:{7000+n}:interface=127.0.0.1"
      - pty: ./dev/lab-{n}
  - name: odd
    dialect: wip
    ports: [{rfc2217: "tcp:7500:interface=127.0.0.1"}]
network:
  apns:
    internet: {pool: 10.64.0.0/16}
timeline:
  - every: 1m
    jitter: 20s
    modems: "30% of lab-*"
    do: deregister
    for: 10s
"""


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO)
    return load(path)


def build(scenario, shard: Shard = WHOLE, seed: int = 7):
    return make_service(scenario, reactor=Clock(), seed=seed, state_dir=None, shard=shard)


@given(st.integers(1, 40), st.lists(st.text(min_size=1), max_size=60, unique=True))
def test_the_shares_partition_every_list_exactly(count, names):
    shares = [Shard(index, count).share(names) for index in range(count)]
    assert sorted(n for share in shares for n in share) == sorted(names)  # union: all
    assert sum(len(share) for share in shares) == len(names)  # disjoint
    assert max(map(len, shares)) - min(map(len, shares)) <= 1  # even
    assert shares == [Shard(index, count).share(names) for index in range(count)]


def test_shards_of_a_scenario_run_every_modem_once(scenario):
    everyone = [spec.name for spec in scenario.modems]
    shards = [build(scenario, Shard(i, 3)) for i in range(3)]
    names = [modem.name for service in shards for modem in service.modems]
    assert sorted(names) == sorted(everyone)
    assert len(names) == len(set(names)) == 12
    assert [m.name for m in shards[1].modems] == ["lab-02", "lab-05", "lab-08", "lab-11"]


def test_a_sharded_modem_is_the_modem_of_the_whole_run(scenario):
    whole = {modem.name: modem for modem in build(scenario).modems}
    for index in range(4):
        for modem in build(scenario, Shard(index, 4)).modems:
            alone = whole[modem.name]
            assert modem.spec == alone.spec  # ports, identity, SIM, dialect
            assert modem.spec.ports == alone.spec.ports
            assert modem.rng.getstate() == alone.rng.getstate()  # the same draws


def test_the_timeline_draws_over_the_whole_scenario(scenario):
    def targets(service):
        player = service.getServiceNamed("timeline")
        return player.schedule.targets[0], set(player.modems)

    everyone, _ = targets(build(scenario))
    assert everyone  # 30% of lab-* is some modems
    for index in range(3):
        chosen, mine = targets(build(scenario, Shard(index, 3)))
        assert chosen == everyone  # the same share of the fleet in every process ...
        # ... and acted on by the shard holding each modem
        assert mine == {m.name for m in build(scenario, Shard(index, 3)).modems}


def test_only_the_first_shard_opens_the_labs_real_listeners(scenario):
    assert build(scenario, Shard(0, 2)).network.lab.listen
    assert not build(scenario, Shard(1, 2)).network.lab.listen


@pytest.mark.parametrize("text, message", [
    ("3/3", "must be 0 to 2 for 3 shard(s)"),
    ("-1/3", "expected INDEX/COUNT"),
    ("1/0", "the number of shards must be 1 or more"),
    ("1", "expected INDEX/COUNT"),
    ("a/b", "expected INDEX/COUNT"),
    ("1/2/3", "expected INDEX/COUNT"),
])
def test_a_bad_shard_is_named(text, message):
    with pytest.raises(ShardError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Shard.parse(text)


def test_a_shard_parses():
    assert Shard.parse(" 2 / 8 ") == Shard(2, 8)
    assert str(Shard(2, 8)) == "2/8"


def plugin_options():
    """This tree's ``Options`` (an installed atsim has a plugin of its own on the path)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent.parent / "twisted" / "plugins" / "atsim_plugin.py"
    spec = importlib.util.spec_from_file_location("atsim_plugin_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Options


def options(tmp_path, *args):
    Options = plugin_options()

    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent("""\
        modems:
          - name: m{n}
            count: 3
            ports: [{tcp: "tcp:0:interface=127.0.0.1"}]
        """))
    opts = Options()
    opts.parseOptions(["-s", str(path), *args])
    return opts


def test_twistd_refuses_a_bad_shard_with_its_reason(tmp_path):
    with pytest.raises(usage.UsageError, match="must be 0 to 1 for 2 shard"):
        options(tmp_path, "--seed", "1", "--shard", "2/2")


def test_twistd_wants_the_seed_every_shard_shares(tmp_path):
    with pytest.raises(usage.UsageError, match="needs --seed N, the same in every shard"):
        options(tmp_path, "--shard", "0/2")


def test_twistd_runs_its_share_with_a_control_port_of_its_own(tmp_path):
    opts = options(tmp_path, "--seed", "1", "--shard", "1/2")
    assert [m.name for m in opts.service.modems] == ["m2"]
    assert opts["control"] == "tcp:8475:interface=127.0.0.1"
    mine = options(tmp_path, "--seed", "1", "--shard", "1/2", "--control", "none")
    assert mine["control"] == "none"
