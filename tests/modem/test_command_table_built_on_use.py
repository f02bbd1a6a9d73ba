"""A modem builds its command table the first time a command needs it: until then it runs
(power, SIM, registration, the services' reactions to each other) exactly as with one."""

import random

from twisted.internet.task import Clock

import simulator.dialects
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.scenario.model import ModemSpec, NetworkSpec
from tests.dialects.wavecom.bench import REGISTRATION, elapse, flashed
from tests.modem.bench import Port, info, urc


def test_an_idle_modem_registers_without_a_command_table_and_builds_it_for_its_first_line():
    clock = Clock()
    network = NetworkSpec()
    modem = Modem(ModemSpec(name="m1", n=1), simulator.dialects.get("generic"), network, clock,
                  random.Random(1), NVStore(None))
    events = []
    modem.add_hook("observers", lambda m, kind, port, fields: events.append((kind, fields)))
    modem.power_on()
    clock.advance(network.registration.delay)
    # The network service heard the SIM and the power through watch_siblings, not register.
    assert ("registration", {"domain": "+CREG", "stat": 1}) in events
    assert modem._commands is None
    port = Port(modem, "p0")
    assert port.at("+CREG?") == "AT+CREG?\r" + info("+CREG: 0,1")  # echoed: E1
    assert modem._commands is not None
    assert "+CREG" in modem.commands


def test_wind_indications_come_from_a_modem_that_never_had_a_command():
    clock = Clock()
    modem = Modem(ModemSpec(name="w", n=1), simulator.dialects.get("wip"), NetworkSpec(), clock,
                  random.Random(1), flashed(255))
    port = Port(modem, "p0")
    modem.power_on()
    elapse(clock, REGISTRATION)
    assert port.take() == urc("+WIND: 3", "+WIND: 1", "+WIND: 4", "+WIND: 7")
    assert modem._commands is None
