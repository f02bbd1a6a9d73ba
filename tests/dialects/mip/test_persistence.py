"""What the Attributes tables mark "Persistent: Yes" survives an atsim restart (a new modem
on the same state file): +GTSET (003 §1.2.4.3), +MIPNTP (§1.1.22.3), +MIPKEEPCONF
(§1.1.14.3); what they mark "No" does not: +MIPCONF (§1.1.13.3), +MSDNS (§1.1.17.3),
+MIPSETS (§1.1.4.3).  +MIPPUSH keeps nothing (M32)."""

import json

from simulator.dialects.mip.service import MipService
from simulator.modem.storage import NVStore
from tests.dialects.mip.bench import MipBench, info
from tests.modem.bench import OK


def test_persistent_settings_survive_a_restart_and_the_others_do_not(tmp_path):
    path = tmp_path / "nl668.json"
    bench = MipBench(store=NVStore(path))
    bench.online()
    for line in ('+GTSET="IPRFMT",5', '+GTSET="SENDTIME",3', "+MIPKEEPCONF=1,60,10,5",
                 "+MIPCONF=1,3", '+MSDNS=1,"10.0.0.1"'):
        assert bench.at(line) == OK, line
    assert bench.at('+MIPNTP="echo.lab",123') == OK  # the server is kept, answer or not
    bench.modem.power_off()
    assert set(json.loads(path.read_text())) >= {"mip.gtset", "mip.ntp", "mip.keepconf"}

    again = MipBench(store=NVStore(path))  # a new atsim on the same state directory
    assert again.at("+MIPKEEPCONF?") == info("+MIPKEEPCONF: 1,60,10,5")
    assert again.at("+MIPNTP?") == info('+MIPNTP: "echo.lab",123')
    settings = again.modem.service(MipService).stack.settings
    assert (settings.get("IPRFMT"), settings.get("SENDTIME")) == (5, 3)
    again.online()
    assert again.at("+MIPCONF?").startswith(info("+MIPCONF: 1,5,5,600,75,0")[:-len(OK)])
    assert again.at("+MSDNS?").startswith(info('+MSDNS: 1,"0.0.0.0","0.0.0.0"')[:-len(OK)])
    # IPRFMT 5 is in force: received data waits for +MIPREAD
    again.at('+MIPOPEN=1,,"echo.lab",7,0')
    again.settle()
    again.at('+MIPSEND=1,"4142"')
    assert again.at("+MIPPUSH=1") + again.settle() == info("+MIPPUSH: 1,0,2") + (
        "\r\n+MIPREAD: 1,2\r\n")
