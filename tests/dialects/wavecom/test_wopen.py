"""``+WOPEN`` (WM_DEV_OAT_UGD_049 §5.2) for any Open AT application, on a modem hosting the
test-only "Toy" application: which commands are gated, whether it runs by default, what mode 3
erases and what mode 2 reports all come from the application's record."""

import dataclasses

import pytest

import simulator.dialects
from simulator.dialects.wavecom import WavecomDialect, wavecom_services
from simulator.dialects.wavecom.wind import LEVEL_KEY
from simulator.dialects.wavecom.wopen import MODE_KEY
from tests.dialects.wavecom.bench import (
    ERROR,
    OK,
    TOY,
    TOY_DIALECT,
    TOY_KEY,
    ToyService,
    WavecomBench,
    cme,
    elapse,
    flashed,
    info,
    urc,
)

TOY_LINES = ("#TOYVAL=5", "#TOYVAL?", "#TOYVAL", "#TOYVAL=?", "#toyval?")


def started(**kwargs) -> WavecomBench:
    """A toy modem whose application was started, its reset over and shown."""
    bench = WavecomBench(**kwargs)
    assert bench.at("+WOPEN=1") == OK
    elapse(bench.clock, 2)
    bench.port.take()
    return bench


# -- the application's record ------------------------------------------------------------------


def test_stopped_by_default_its_commands_unknown_whatever_cmee_says():
    bench = WavecomBench()
    assert bench.at("+WOPEN?") == info("+WOPEN: 0")
    assert bench.at("+WOPEN=7") == info("+WOPEN: 7,0")
    for line in TOY_LINES:
        assert bench.at(line) == ERROR, line
    assert bench.at("+FOO") == ERROR  # what the module answers to a command it does not know
    assert bench.at("") == OK


def test_only_the_declared_prefixes_are_gated():
    bench = WavecomBench()
    assert bench.at("+WIPTOY") == info("+WIPTOY: here")  # not the toy's: +WIP is no gate here
    assert bench.at("+WIND?") == info("+WIND: 0")
    assert bench.at("+CGMI") == info("WAVECOM MODEM")


def test_start_resets_and_brings_its_commands():
    bench = WavecomBench(store=flashed(4))
    assert bench.at("+WOPEN=1") == OK
    elapse(bench.clock, 2)
    assert bench.port.take() == urc("+WIND: 3")
    assert bench.at("+WOPEN?") == info("+WOPEN: 1")
    assert bench.at("+WOPEN=7") == info("+WOPEN: 7,12")
    assert bench.at("#TOYVAL=5") == OK
    assert bench.at("#toyval?") == info("#TOYVAL: 5")
    assert bench.at("#TOYVAL=100") == cme(3)  # the application's own handler answers
    assert bench.at("#TOYVAL") == cme(3)  # a form the command does not have
    assert bench.store.get(MODE_KEY) == 1


def test_started_survives_a_restart_and_stop_gates_again():
    again = started().restart()
    assert again.at("+WOPEN?") == info("+WOPEN: 1")
    assert again.at("#TOYVAL?") == info("#TOYVAL: 0")
    assert again.at("+WOPEN=0") == OK
    assert again.at("#TOYVAL?") == ERROR
    assert again.restart().at("#TOYVAL?") == ERROR


def test_same_mode_again_does_not_reset():
    bench = WavecomBench(store=flashed(4))
    elapse(bench.clock, 2)
    bench.port.take()
    assert bench.at("+WOPEN=0") == OK
    elapse(bench.clock, 2)
    assert bench.port.take() == ""


def test_a_mode_flash_does_not_hold_is_the_default():
    store = flashed(0)
    store.put(MODE_KEY, "garbage")
    assert WavecomBench(store=store).at("+WOPEN?") == info("+WOPEN: 0")


@pytest.mark.parametrize("revision, versions", [
    (None, '+WOPEN: 2,"TOY v1.0"'),
    ("1", '+WOPEN: 2,"TOY v1.0"'),
    ("2", '+WOPEN: 2,"TOY v2.0","AT v03.12"'),
])
def test_versions_are_the_application_s_for_the_revision(revision, versions):
    bench = WavecomBench(revision=revision)
    assert bench.at("+WOPEN=2") == info(versions)
    assert started(revision=revision).at("+WOPEN=2") == info(versions)


def test_erase_removes_only_the_application_s_flash_objects_and_only_when_stopped():
    bench = started(store=flashed(4))
    assert bench.at("#TOYVAL=7") == OK
    bench.store.put("wip.cfg", {"kept": True})  # a key the toy does not declare
    assert bench.at("+WOPEN=3") == cme(3)
    assert bench.store.get(TOY_KEY) == 7
    assert bench.at("+WOPEN=0") == OK
    assert bench.at("+WOPEN=3") == OK
    assert bench.store.get(TOY_KEY) is None
    assert bench.store.get("wip.cfg") == {"kept": True}
    assert bench.store.get(LEVEL_KEY) == 4  # the firmware's settings are not the application's
    assert bench.store.get(MODE_KEY) == 0


def test_an_application_running_by_default():
    running = WavecomDialect(name="toy-running", services=TOY_DIALECT.services,
                             application=dataclasses.replace(TOY, runs_by_default=True))
    bench = WavecomBench(dialect=running)
    assert bench.at("+WOPEN?") == info("+WOPEN: 1")
    assert bench.at("#TOYVAL=3") == OK
    assert bench.at("+WOPEN=0") == OK
    assert bench.at("#TOYVAL?") == ERROR


def test_the_gate_does_not_depend_on_the_services_order():
    late = WavecomDialect(name="toy-late", application=TOY,
                          services=(*wavecom_services(), ToyService))
    bench = WavecomBench(dialect=late)
    assert bench.at("#TOYVAL?") == ERROR
    assert bench.at("+WIPTOY") == info("+WIPTOY: here")


def test_a_gate_of_several_prefixes():
    two = WavecomDialect(name="toy-two", services=TOY_DIALECT.services,
                         application=dataclasses.replace(TOY, commands=("#TOY", "+WIP")))
    bench = WavecomBench(dialect=two)
    assert bench.at("+WIPTOY") == ERROR
    assert bench.at("#TOYVAL?") == ERROR


def test_owns_matches_prefixes_in_any_case():
    app = dataclasses.replace(TOY, commands=("#toy", "+WIP"))
    assert app.owns("#TOYVAL") and app.owns("+wipcfg") and app.owns("#TOY")
    assert not app.owns("#TO") and not app.owns("+WIND") and not app.owns("$TOYVAL")


@pytest.mark.parametrize("versions", [(), ("a", "b", "c")])
def test_mode_2_reports_one_or_two_versions(versions):
    with pytest.raises(ValueError):
        dataclasses.replace(TOY, versions=versions)


def test_a_wavecom_dialect_names_its_application():
    with pytest.raises(TypeError):
        WavecomDialect(name="none")  # type: ignore[call-arg]


def test_the_platform_is_not_a_dialect():
    assert "wavecom" not in simulator.dialects.names()
    with pytest.raises(LookupError):
        simulator.dialects.get("wavecom")


# -- the forms -----------------------------------------------------------------------------------


def test_forms():
    bench = WavecomBench()
    assert bench.at("+WOPEN=?") == info("+WOPEN: (0-8),(0-1344),(0-24),(0-24)")
    assert bench.at("+WOPEN=6") == info("+WOPEN: 6,768,832")


def test_ad_size_rounded_to_a_sector_stored_and_resets():
    bench = WavecomBench(store=flashed(4))
    elapse(bench.clock, 2)
    bench.port.take()
    assert bench.at("+WOPEN=6,100") == info("+WOPEN: 6,128,1472")
    elapse(bench.clock, 2)
    assert bench.port.take() == urc("+WIND: 3")
    assert bench.at("+WOPEN=6,128") == info("+WOPEN: 6,128,1472")  # unchanged: no reset
    elapse(bench.clock, 2)
    assert bench.port.take() == ""
    assert bench.restart().at("+WOPEN=6") == info("+WOPEN: 6,128,1472")


@pytest.mark.parametrize("line", ["+WOPEN=4", "+WOPEN=5", "+WOPEN=8", "+WOPEN=9", "+WOPEN=-1",
                                  "+WOPEN=abc", "+WOPEN=", "+WOPEN=0,1", "+WOPEN=2,1",
                                  "+WOPEN=6,1345", "+WOPEN=6,1,2", "+WOPEN"])
def test_bad_or_unavailable_modes_answer_the_dialect_error(line):
    bench = started()
    assert bench.at(line) == cme(3)
    assert bench.at("+WOPEN?") == info("+WOPEN: 1")
    assert bench.at("") == OK


def test_with_cmee_0_plain_error():
    bench = WavecomBench(cmee=0)
    assert bench.at("+WOPEN=9") == ERROR
    assert bench.at("") == OK
