"""The parameter flash (002 §1.1, §8.4): a value set is stored at once and survives a
restart of atsim on the same state directory; ``AT#DELFLASH`` erases the flash while the
values in use stay visible until the module is reset."""

import json

from simulator.dialects.edsoft.tables import EDSOFT_TABLES
from simulator.modem.storage import NVStore
from tests.dialects.edsoft.bench import OK, EdsoftBench, edsoft_error, info

FLASH_KEY = EDSOFT_TABLES.flash_key
PHY_DEFAULTS = ("#ANSWERMODE: 0", "#CALLBACKTIMER: 2", '#CALLSCREENNUM: "0"', '#DIALN1: ""',
                '#DIALN2: ""', "#DIALSELECT: 1", "#GPRSMODE: 1", "#PHYTIMEOUT: 15",
                "#REDIALCOUNT: 5", "#REDIALDELAY: 5", "#RINGCOUNT: 0")


def restarted(path):
    """atsim started again on the same state file."""
    return EdsoftBench(store=NVStore(path))


def test_values_survive_a_restart(tmp_path):
    path = tmp_path / "edsoft1.json"
    bench = EdsoftBench(store=NVStore(path))
    for line in ('#DIALN1="0860000000"', "#PHYTIMEOUT=30", "#TCPPORT=2,8080",
                 "#REC1=Recipient@Domain.com", "#FTPTYPE=A"):
        assert bench.at(line) == OK
    # Stored at once: the file already holds them, before any command that saves.
    assert json.loads(path.read_text())[FLASH_KEY]["PHYTIMEOUT"] == 30
    again = restarted(path)
    assert again.at("#DIALN1?") == info('#DIALN1: "0860000000"')
    assert again.at("#PHYTIMEOUT?") == info("#PHYTIMEOUT: 30")
    assert again.at("#TCPPORT=2") == info("#TCPPORT: 2,8080")
    assert again.at("#TCPPORT=1") == info("#TCPPORT: 1,0")
    assert again.at("#REC1?") == info('#REC1: "Recipient@Domain.com"')
    assert again.at("#FTPTYPE?") == info("#FTPTYPE = A")


def test_the_application_stays_started_across_a_restart(tmp_path):
    path = tmp_path / "edsoft1.json"
    EdsoftBench(store=NVStore(path))
    again = EdsoftBench(store=NVStore(path), started=False)
    assert again.at("#VSTATE") == info('#STATE: "IDLE"')


def test_delflash_keeps_values_visible_until_a_reset():
    bench = EdsoftBench()
    assert bench.at("#PHYTIMEOUT=30") == OK
    assert bench.at("#DELFLASH") == OK
    assert bench.at("#PHYTIMEOUT?") == info("#PHYTIMEOUT: 30")  # §8.4.1 Note
    assert bench.at("+CFUN=1") == OK  # the reset of §1.1 (E20)
    bench.port.send(b"ATE0\r")
    bench.port.take()
    assert bench.at("#VPHY") == info(*PHY_DEFAULTS)


def test_delflash_then_restart_gives_the_defaults(tmp_path):
    path = tmp_path / "edsoft1.json"
    bench = EdsoftBench(store=NVStore(path))
    assert bench.at("#RINGCOUNT=3") == OK
    assert bench.at("#DELFLASH") == OK
    assert bench.at("#RINGCOUNT?") == info("#RINGCOUNT: 3")
    assert restarted(path).at("#RINGCOUNT?") == info("#RINGCOUNT: 0")


def test_a_value_set_after_delflash_is_stored_again(tmp_path):
    path = tmp_path / "edsoft1.json"
    bench = EdsoftBench(store=NVStore(path))
    assert bench.at("#RINGCOUNT=3") == OK
    assert bench.at("#DELFLASH") == OK
    assert bench.at("#PINGNUM=9") == OK
    again = restarted(path)
    assert again.at("#PINGNUM?") == info("#PINGNUM: 9")
    assert again.at("#RINGCOUNT?") == info("#RINGCOUNT: 0")


def test_cfun_reset_without_delflash_keeps_the_values():
    bench = EdsoftBench()
    assert bench.at("#PINGNUM=9") == OK
    assert bench.at("+CFUN=1") == OK
    bench.port.take()
    assert bench.at("#PINGNUM?").endswith(info("#PINGNUM: 9"))


def test_a_flash_file_with_values_the_module_would_refuse_gives_defaults(tmp_path):
    path = tmp_path / "edsoft1.json"
    path.write_text(json.dumps({"wopen.mode": 1, FLASH_KEY: {
        "PHYTIMEOUT": 999, "DIALN1": "abc", "FTPTYPE": "x", "TCPPORT.3": 1, "NOSUCH": 1,
        "PINGNUM": "7", "RINGCOUNT": 4}}))
    bench = restarted(path)
    assert bench.at("#PHYTIMEOUT?") == info("#PHYTIMEOUT: 15")
    assert bench.at("#DIALN1?") == info('#DIALN1: ""')
    assert bench.at("#FTPTYPE?") == info("#FTPTYPE = I")
    assert bench.at("#PINGNUM?") == info("#PINGNUM: 4")
    assert bench.at("#RINGCOUNT?") == info("#RINGCOUNT: 4")


class FailingStore(NVStore):
    """Flash that cannot be written (a full disk, a read-only state directory)."""

    def __init__(self):
        super().__init__(None)
        self.failing = False

    def put(self, key, value):
        if self.failing:
            raise OSError("write failed")
        super().put(key, value)


def test_a_flash_write_failure_is_the_eeprom_error():
    store = FailingStore()
    bench = EdsoftBench(store=store)
    store.failing = True
    assert bench.at("#PINGNUM=9") == edsoft_error(34824)
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')  # still answering
