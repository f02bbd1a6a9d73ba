"""Multi-line entries (002 §3.1.5, §3.1.7): ``AT#BODYi<CR>`` text ``Ctrl-Z`` and
``AT#RECiADD<CR>`` addresses one a line ``Ctrl-Z``; no prompt is shown (E18)."""

from tests.dialects.edsoft.bench import OK, EdsoftBench, edsoft_error, info

CTRL_Z = b"\x1a"
ESC = b"\x1b"


def test_body_entry_as_the_manual_shows_it():
    bench = EdsoftBench()
    assert bench.send(b"AT#BODY1\r") == ""  # no prompt
    assert bench.send(b"Text string\r\n") == ""  # echo is off (ATE0)
    assert bench.send(CTRL_Z) == OK
    assert bench.at("#BODY1?") == info('#BODY1: "Text string"')


def test_body_keeps_inner_line_breaks_and_drops_the_last():
    bench = EdsoftBench()
    assert bench.send(b"AT#BODY2\rline one\r\nline two\r" + CTRL_Z) == OK
    assert bench.at("#BODY2?") == info('#BODY2: "line one\r\nline two"')


def test_body_entry_is_echoed_when_echo_is_on():
    bench = EdsoftBench()
    bench.port.send(b"ATE1\r")
    bench.port.take()
    assert bench.send(b"AT#BODY3\r") == "AT#BODY3\r"
    assert bench.send(b"Hi") == "Hi"
    assert bench.send(CTRL_Z) == OK


def test_body_too_long_is_refused_and_escape_cancels():
    bench = EdsoftBench()
    assert bench.send(b"AT#BODY1\r" + b"x" * 121 + CTRL_Z) == edsoft_error(34882)
    assert bench.send(b"AT#BODY1\r" + b"x" * 120 + CTRL_Z) == OK
    assert bench.send(b"AT#BODY1\rnew" + ESC) == OK
    assert bench.at("#BODY1?") == info('#BODY1: "' + "x" * 120 + '"')


def test_rec_add_as_the_manual_shows_it():
    bench = EdsoftBench()
    assert bench.at('#REC1="old@domain.fr"') == OK
    assert bench.send(b"AT#REC1ADD\rEmail1@domain.fr\r\nEmail2@domain.com\r\n" + CTRL_Z) == OK
    # NOTE1: the addresses replace the old ones; they show joined by commas (E19).
    assert bench.at("#REC1?") == info('#REC1: "Email1@domain.fr,Email2@domain.com"')
    assert bench.at("#VMAIL1") == info("REC1=Email1@domain.fr,Email2@domain.com", "CCREC1=",
                                       "SUBJ1=")


def test_rec_add_keeps_ten_addresses():
    bench = EdsoftBench()
    addresses = [f"a{n}@x.fr" for n in range(12)]
    assert bench.send(b"AT#REC3ADD\r" + "\r\n".join(addresses).encode() + CTRL_Z) == OK
    assert bench.at("#REC3?") == info('#REC3: "' + ",".join(addresses[:10]) + '"')


def test_ccrec_add_and_an_address_too_long():
    bench = EdsoftBench()
    assert bench.send(b"AT#CCREC2ADD\rcc@x.fr\r\n" + CTRL_Z) == OK
    assert bench.at("#CCREC2?") == info('#CCREC2: "cc@x.fr"')
    assert bench.send(b"AT#CCREC2ADD\r" + b"a" * 121 + CTRL_Z) == edsoft_error(34882)
    assert bench.at("#CCREC2?") == info('#CCREC2: "cc@x.fr"')
    assert bench.at("#REC1ADD=1") == edsoft_error(34819)


def test_entries_are_stored_in_flash():
    bench = EdsoftBench()
    assert bench.send(b"AT#BODY1\rstored\r\n" + CTRL_Z) == OK
    assert bench.restart().at("#BODY1?") == info('#BODY1: "stored"')
