"""+MIPSETS (003 §1.1.4): the watermark cuts packets of its size, the timeout pushes what
stays, and a buffer holding data refuses new settings."""

from tests.dialects.mip.bench import MipBench, info, urc


def online() -> MipBench:
    bench = MipBench()
    bench.online()
    bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0')
    bench.settle()
    return bench


def test_the_watermark_sends_packets_of_its_size():
    bench = online()
    assert bench.at("+MIPSETS=1,4") == info("+MIPSETS: 0")
    assert bench.at("+MIPSETS?") == info("+MIPSETS: 1,4,0")
    assert bench.at('+MIPSEND=1,"0102030405"') + bench.settle() == (
        info("+MIPSEND: 1,0,2047") + urc("+MIPRTCP: 1,0,01020304"))
    assert bench.at("+MIPPUSH=1") + bench.settle() == info("+MIPPUSH: 1,0,5") + urc(
        "+MIPRTCP: 1,0,05")


def test_the_timeout_restarts_with_each_send_and_pushes_what_waits():
    bench = online()
    assert bench.at("+MIPSETS=1,2048,500") == info("+MIPSETS: 0")
    bench.at('+MIPSEND=1,"01"')
    bench.clock.advance(0.4)
    bench.at('+MIPSEND=1,"02"')
    assert bench.settle(0.45) == ""  # restarted by the second +MIPSEND
    assert bench.settle(0.1) == urc("+MIPRTCP: 1,0,0102")
    assert bench.at("+MIPSEND?") == info("+MIPSEND: 1,2048")


def test_settings_are_refused_while_the_buffer_holds_data():
    bench = online()
    bench.at('+MIPSEND=1,"01"')
    assert bench.at("+MIPSETS=1,100,10") == info("+MIPSETS: 3")
    assert bench.at("+MIPSETS?") == info("+MIPSETS: 1,2048,0")
    bench.at("+MIPFLUSH=1")
    assert bench.at("+MIPSETS=1,100,10") == info("+MIPSETS: 0")


def test_read_and_test_forms_without_sockets():
    bench = MipBench()
    bench.online()
    assert bench.at("+MIPSETS?") == info("+MIPSETS: 0")
    assert bench.at("+MIPSETS=?") == info("+MIPSETS: (1-6),(1-2048),(0-1000)")


def test_mipdsets_cuts_received_data_and_paces_the_pieces():
    bench = online()
    bench.at('+MIPOPEN=2,,"111.231.250.105",5000,1')
    bench.settle()
    assert bench.at("+MIPDSETS=1,4,100") == info("+MIPDSETS: 0")
    assert bench.at("+MIPDSETS=2,3") == info("+MIPDSETS: 0")
    assert bench.at("+MIPDSETS?") == info("+MIPDSETS: 1,4,100", "+MIPDSETS: 2,3,0")
    bench.at('+MIPSEND=1,"010203040506070809"')
    assert bench.at("+MIPPUSH=1") == info("+MIPPUSH: 1,0,9") + urc("+MIPRTCP: 1,5,01020304")
    assert bench.settle(0.05) == ""
    assert bench.settle(0.06) == urc("+MIPRTCP: 1,1,05060708")
    assert bench.settle(0.08) == ""
    assert bench.settle(0.04) == urc("+MIPRTCP: 1,0,09")
    bench.at('+MIPSEND=2,"0102030405"')
    assert bench.at("+MIPPUSH=2") + bench.settle(0.05) == info("+MIPPUSH: 2,0,5") + urc(
        "+MIPRUDP: 111.231.250.105,5000,2,2,010203", "+MIPRUDP: 111.231.250.105,5000,2,0,0405")
    assert bench.at("+MIPDSETS=?") == info("+MIPDSETS: (1-6),(1-2048),(0-1000)")
