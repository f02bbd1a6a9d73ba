"""What the SMS centre holds for a modem that cannot take it: kept across a restart of
atsim (state directory), and a message the modem refused while its storage was full;
+CMS ERROR texts under +CMEE=2.  On task.Clock."""

import json
import random

from twisted.internet.task import Clock

import simulator.dialects
from simulator.modem.modem import Modem
from simulator.modem.smsnotify import ACK_TIMEOUT
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.smsc import HELD_FILE
from simulator.scenario.model import ModemSpec, NetworkSpec
from tests.modem.bench import OK, Port, cms, info
from tests.modem.test_messages import A_NUMBER, B_NUMBER, DELAY, TwoModems

ME_FULL = (("ME", 1),)


class Lab:
    """A network and modems whose state directory outlives them (a restart of atsim)."""

    def __init__(self, state, start_b=True, dialect="generic"):
        self.clock = Clock()
        self.spec = NetworkSpec()
        self.network = Network(self.spec, clock=self.clock, lab_listen=False, state_dir=state)
        self.network.startService()
        self.state = state
        self.a = self.modem("a", A_NUMBER, dialect=dialect)
        self.b = self.modem("b", B_NUMBER, power=start_b)
        self.clock.advance(self.spec.registration.delay)
        self.a.port.take()
        self.b.port.take()

    def modem(self, name, msisdn, power=True, dialect="generic"):
        spec = ModemSpec(name=name, n=1, msisdn=msisdn)
        self.network.attach(spec, random.Random(name))
        modem = Modem(spec, simulator.dialects.get(dialect), self.spec, self.clock,
                      random.Random(1), NVStore(self.state / f"{name}.json"),
                      ip_network=self.network)
        modem.port = Port(modem, "uart1")
        modem.port.send(b"ATE0+CMEE=1\r")
        if power:
            modem.power_on()
        return modem


def send(port, clock, number, text):
    assert port.at(f'+CMGF=1;+CMGS="{number}"') == "\r\n> "
    port.send(text.encode() + b"\x1a")
    clock.advance(0.3)
    return port.take()


def test_held_messages_survive_a_restart(tmp_path):
    first = Lab(tmp_path, start_b=False)
    assert send(first.a.port, first.clock, B_NUMBER, "while you were off") == info("+CMGS: 1")
    first.clock.advance(DELAY)
    assert first.network.sms.waiting("b") == 1
    saved = json.loads((tmp_path / HELD_FILE).read_text())
    assert list(saved) == ["b"] and len(saved["b"]) == 1
    first.network.stopService()

    second = Lab(tmp_path, start_b=False)
    assert second.network.sms.waiting("b") == 1
    second.b.port.send(b"AT+CNMI=2,1\r")
    second.b.power_on()
    second.clock.advance(second.spec.registration.delay)
    assert '+CMTI: "ME",1' in second.b.port.take()
    assert second.network.sms.waiting("b") == 0
    assert json.loads((tmp_path / HELD_FILE).read_text()) == {}
    assert second.b.port.at("+CMGF=1;+CMGR=1").endswith("\r\nwhile you were off\r\n" + OK)


def test_a_status_report_still_comes_after_a_restart(tmp_path):
    first = Lab(tmp_path, start_b=False)
    first.a.port.at("+CMGF=1;+CSMP=49,167,0,0;+CNMI=2,1,0,1")
    send(first.a.port, first.clock, B_NUMBER, "report me")
    first.clock.advance(DELAY)
    first.network.stopService()

    second = Lab(tmp_path, start_b=False)
    second.a.port.at("+CMGF=1;+CNMI=2,1,0,1")
    second.b.power_on()
    second.clock.advance(second.spec.registration.delay)
    assert second.a.port.take().startswith(f'\r\n+CDS: 6,1,"{B_NUMBER}",145,')


def test_a_damaged_held_file_is_ignored(tmp_path):
    (tmp_path / HELD_FILE).write_text('{"b": [{"pdu": "zz"}, 3]}')
    lab = Lab(tmp_path)
    assert lab.network.sms.waiting("b") == 0
    assert lab.b.port.at("+CMGF=1") == OK


def test_cnma_2_with_a_full_storage_leaves_the_message_at_the_centre():
    two = TwoModems(capacity=ME_FULL)
    two.pb.at("+CMGF=1")
    assert two.pb.at("+CMGW").endswith("> ")
    two.pb.send(b"fills it\x1a")
    two.pb.take()
    two.pb.at("+CSMS=1;+CNMI=2,2;+CMGF=0")
    two.pa.at("+CMGF=1")
    two.send_text(two.pa, B_NUMBER, "refused")
    two.advance(DELAY)
    assert "+CMT: ,26" in two.pb.take()
    assert two.pb.at("+CNMA=2") == OK
    assert two.network.sms.waiting("b") == 1
    # room again: the centre delivers it again, routed as +CMT
    assert two.pb.at("+CMGD=1").startswith(OK + "\r\n+CMT: ,26\r\n")
    assert two.network.sms.waiting("b") == 0


def test_unacknowledged_cmt_with_a_full_storage_waits_at_the_centre():
    two = TwoModems(capacity=ME_FULL)
    two.pb.at("+CMGF=1")
    two.pb.at("+CMGW")
    two.pb.send(b"fills it\x1a")
    two.pb.at("+CSMS=1;+CNMI=2,2")
    two.pa.at("+CMGF=1")
    two.send_text(two.pa, B_NUMBER, "never acknowledged")
    two.advance(DELAY)
    two.pb.take()
    two.advance(ACK_TIMEOUT)
    assert two.network.sms.waiting("b") == 1
    assert two.pb.at("+CNMI?") == info("+CNMI: 2,0,0,0,0")  # so no +CMTI (27.005 §3.4.4)
    assert two.pb.at("+CMGD=1") == OK
    assert two.network.sms.waiting("b") == 0
    assert two.pb.at("+CMGR=1").endswith("\r\nnever acknowledged\r\n" + OK)


def test_cms_error_texts_under_cmee_2():
    two = TwoModems()
    assert two.pa.at("+CMGR=1") == cms(321)
    assert two.pa.at("+CMEE=2;+CMGR=1") == "\r\n+CMS ERROR: invalid memory index\r\n"
    assert two.pa.at("+CNMA") == "\r\n+CMS ERROR: no +CNMA acknowledgement expected\r\n"
    two.pa.at("+CMGF=1")
    assert two.send_text(two.pa, "+999", "x") == (
        "\r\n+CMS ERROR: Unassigned (unallocated) number\r\n")
    assert two.pa.at("+CMEE=0;+CMGR=1") == "\r\nERROR\r\n"


def test_csmp_absolute_validity_expires_at_the_centre():
    two = TwoModems()
    two.b.power_off()
    two.pa.at("+CMGF=1;+CNMI=2,1,0,1")
    # 57: SMS-SUBMIT, absolute validity (TP-VPF 11), status report requested
    assert two.pa.at('+CSMP=57,"00/01/01,00:01:00+00",0,0') == OK
    assert two.pa.at("+CSMP?") == info('+CSMP: 57,"00/01/01,00:01:00+00",0,0')
    two.send_text(two.pa, B_NUMBER, "soon stale")
    two.advance(DELAY)
    assert two.network.sms.waiting("b") == 1
    two.advance(60)
    assert two.network.sms.waiting("b") == 0
    assert two.pa.take().endswith(',70\r\n')  # +CDS ... <st> 0x46, validity expired


def test_csmp_enhanced_validity_is_sent_and_shown():
    two = TwoModems()
    # 9: SMS-SUBMIT, enhanced validity (TP-VPF 01); form 2, 10 seconds
    assert two.pa.at('+CSMP=9,"020A0000000000"') == OK
    two.pa.at("+CMGF=1;+CSDH=1")
    assert two.pa.at(f'+CMGW="{B_NUMBER}"') == "\r\n> "
    assert two.pa.send(b"short lived\x1a") == info("+CMGW: 1")
    assert two.pa.at("+CMGR=1").startswith(
        f'\r\n+CMGR: "STO UNSENT","{B_NUMBER}",,145,9,0,0,"020A0000000000",')
    two.b.power_off()
    assert two.pa.at("+CMSS=1") == ""
    two.advance(0.3)
    assert two.pa.take() == info("+CMSS: 1")
    two.advance(DELAY)
    assert two.network.sms.waiting("b") == 1
    two.advance(10)
    assert two.network.sms.waiting("b") == 0


def test_csmp_vp_must_fit_the_format():
    two = TwoModems()
    assert two.pa.at('+CSMP=25,"99/99/99,00:00:00+00"') == "\r\n+CME ERROR: 50\r\n"
    assert two.pa.at('+CSMP=9,"0A"') == "\r\n+CME ERROR: 50\r\n"
    assert two.pa.at("+CSMP=25") == "\r\n+CME ERROR: 50\r\n"  # 167 is no time string
    assert two.pa.at("+CSMP?") == info("+CSMP: 17,167,0,0")
    assert two.pa.at('+CSMP=25,"26/12/07,10:00:00+04";+CSMP=17,100') == OK
    assert two.pa.at("+CSMP?") == info("+CSMP: 17,100,0,0")


def test_text_mode_with_udhi_sends_typed_user_data_with_its_header():
    from simulator.sms.concat import join, split
    from simulator.sms.tpdu import Pdu
    from simulator.sms.userdata import Alphabet

    two = TwoModems()
    two.pb.at("+CNMI=2,1")
    text = "".join(chr(ord("a") + i % 26) for i in range(200))
    _, parts = split(text, reference=9)
    two.pa.at("+CMGF=1;+CSMP=81,167,0,0")  # 81: SUBMIT, relative validity, TP-UDHI
    for part in parts:
        typed = part.encode(Alphabet.GSM7)[1].hex().upper()
        assert two.send_text(two.pa, B_NUMBER, typed).startswith("\r\n+CMGS: ")
    two.advance(DELAY)
    assert two.pb.take() == '\r\n+CMTI: "ME",1\r\n\r\n+CMTI: "ME",2\r\n'
    received = []
    for index in (1, 2):
        lines = two.pb.at(f"+CMGR={index}").split("\r\n")
        received.append(Pdu.decode(lines[2]).tpdu.user_data)
    assert join(received) == text
    # the receiving channel in text mode shows the header and data as hexadecimal
    two.pb.at("+CMGF=1")
    shown = two.pb.at("+CMGR=1").split("\r\n")[2]
    assert shown == parts[0].encode(Alphabet.GSM7)[1].hex().upper()


def test_text_mode_with_udhi_refuses_what_is_not_a_header():
    two = TwoModems()
    two.pa.at("+CMGF=1;+CSMP=81,167,0,0")
    for typed in ("hello", "", "0A0000"):  # not hex; empty; a header longer than the data
        assert two.pa.at(f'+CMGS="{B_NUMBER}"') == "\r\n> "
        assert two.pa.send(typed.encode() + b"\x1a") == cms(305)


def test_cscb_settings():
    two = TwoModems()
    assert two.pa.at("+CSCB=?") == info("+CSCB: (0,1)")
    assert two.pa.at("+CSCB?") == info('+CSCB: 0,"",""')
    assert two.pa.at('+CSCB=0,"0,1,5,320-478,922","0-3,5"') == OK
    assert two.pa.at("+CSCB?") == info('+CSCB: 0,"0,1,5,320-478,922","0-3,5"')
    assert two.pa.at("+CSCB=1") == OK
    assert two.pa.at("+CSCB?") == info('+CSCB: 1,"0,1,5,320-478,922","0-3,5"')
    for bad in ('+CSCB=2', '+CSCB=0,"70000"', '+CSCB=0,"5-1"', '+CSCB=0,"1","256"',
                '+CSCB=0,"x"'):
        assert two.pa.at(bad) == cms(303), bad
    assert two.pa.at('+CSCB=0,"50","";+CSAS;+CSCB=1,"";+CRES;+CSCB?') == info(
        '+CSCB: 0,"50",""')


def test_cell_broadcast_from_the_inbox_as_cbm(tmp_path):
    from simulator.network.spec import SmsCentreSpec

    inbox = tmp_path / "inbox"
    two = TwoModems(sms=SmsCentreSpec(inbox=inbox))
    two.network.sms.startService()
    two.pa.at('+CSCB=0,"50";+CNMI=2,1,2')
    two.pb.at('+CSCB=0,"50";+CNMI=2,1,2;+CMGF=1')
    (inbox / "cb.txt").write_text("Broadcast: 50\n\nStorm warning\n")
    two.advance(1)
    assert (inbox / "cb.txt.done").exists()
    pdu_mode = two.pa.take()
    assert pdu_mode.startswith("\r\n+CBM: 88\r\n000000320F1153FA5BDE")
    assert two.pb.take() == "\r\n+CBM: 0,50,15,1,1\r\nStorm warning\r\n"
    # a type +CSCB does not accept is not shown; mode 1 takes what is not listed
    two.pb.at('+CSCB=0,"51"')
    (inbox / "cb2.txt").write_text("Broadcast: 50\n\nagain\n")
    two.advance(1)
    assert two.pb.take() == ""
    two.pb.at('+CSCB=1,"51"')
    (inbox / "cb3.txt").write_text("Broadcast: 50\n\n" + "я" * 50)
    two.advance(1)
    shown = two.pb.take()
    assert shown.startswith("\r\n+CBM: 32,50,72,1,2\r\n044F")  # UCS2, two pages
    assert "\r\n+CBM: 32,50,72,2,2\r\n044F" in shown  # one serial number
    (inbox / "bad.txt").write_text("Broadcast: 70000\n\nx")
    two.advance(1)
    assert (inbox / "bad.txt.error").exists()


def command_answer(two, line, typed=b""):
    assert two.pa.at(line) == "\r\n> "
    at_once = two.pa.send(typed + b"\x1a")
    two.advance(0.3)
    return at_once + two.pa.take()


def test_cmgc_enquiry_and_delete_of_a_held_message():
    two = TwoModems()
    two.b.power_off()
    two.pa.at("+CMGF=1;+CNMI=2,1,0,1")
    assert two.send_text(two.pa, B_NUMBER, "are you there") == info("+CMGS: 1")
    two.advance(DELAY)
    # fo 2: SMS-COMMAND; ct 0: enquiry about TP-MR 1
    answer = command_answer(two, f'+CMGC=2,0,0,1,"{B_NUMBER}"')
    assert answer.startswith(info("+CMGC: 2"))
    assert f'\r\n+CDS: 38,1,"{B_NUMBER}",145,' in answer  # TP-SRQ set: about a command
    assert answer.endswith(",34\r\n")  # 0x22, still trying: no response from the recipient
    # fo 34: SMS-COMMAND asking for a report; ct 2: delete
    answer = command_answer(two, f'+CMGC=34,2,0,1,"{B_NUMBER}"')
    assert answer.startswith(info("+CMGC: 3")) and answer.endswith(",71\r\n")  # 0x47
    assert two.network.sms.waiting("b") == 0
    assert command_answer(two, "+CMGC=2,2,0,1") == cms(160)  # nothing left to delete
    assert command_answer(two, "+CMGC=2,0,0,1").endswith(",71\r\n")  # remembered
    assert command_answer(two, "+CMGC=2,0,0,99") == cms(160)
    assert command_answer(two, "+CMGC=2,9,0,1") == cms(161)
    assert command_answer(two, "+CMGC=2,0,0,1", b"zz") == cms(305)


def test_cmgc_enables_the_report_of_a_held_message_in_pdu_mode():
    from simulator.sms.address import Address
    from simulator.sms.tpdu import Command, Pdu

    two = TwoModems()
    two.b.power_off()
    two.pa.at("+CMGF=1;+CNMI=2,1,0,1")
    two.send_text(two.pa, B_NUMBER, "tell me when")
    two.advance(DELAY)
    two.pa.at("+CMGF=0")
    hex_pdu, length = Pdu(Command(3, 1, Address.parse(B_NUMBER))).encode()  # enable report
    assert command_answer(two, f"+CMGC={length}", hex_pdu.encode()) == info("+CMGC: 2")
    assert command_answer(two, f"+CMGC={length + 1}", hex_pdu.encode()) == cms(304)
    two.b.power_on()
    two.advance(two.spec.registration.delay)
    assert two.pa.take().startswith("\r\n+CDS: ")  # the report the command enabled
    two.pa.at("+CMGF=1")
    assert command_answer(two, "+CMGC=2,0,0,1").endswith(",0\r\n")  # delivered
