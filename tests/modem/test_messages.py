"""Short messages between two generic modems through the network's SMS centre, on
task.Clock: every 27.005 message command in text and PDU mode, storage, +CNMI routing,
status reports, +CNMA, the errors 27.005 names, and the centre's folders."""

import random

import pytest
from twisted.internet.task import Clock

import simulator.dialects
from simulator.modem.modem import Modem
from simulator.modem.smsnotify import ACK_TIMEOUT
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.smsc import SUBMIT_DELAY
from simulator.network.spec import NumberSpec, SmsCentreSpec
from simulator.scenario.model import ModemSpec, NetworkSpec, SimSpec
from simulator.sms.address import Address
from simulator.sms.concat import split
from simulator.sms.tpdu import Deliver, Pdu, StatusReport, Submit
from tests.modem.bench import OK, Port, cms, info

A_NUMBER, B_NUMBER = "+33600000001", "+33600000002"
CTRL_Z, ESC = b"\x1a", b"\x1b"
DELAY = SmsCentreSpec().delay


class TwoModems:
    def __init__(self, tmp_path=None, numbers=(), sms=None, capacity=(),
                 sim_b=None):
        self.clock = Clock()
        self.spec = NetworkSpec(numbers=tuple(numbers), sms=sms or SmsCentreSpec())
        self.network = Network(self.spec, clock=self.clock, lab_listen=False)
        self.network.startService()
        self.tmp_path = tmp_path
        self.a = self.modem("a", A_NUMBER)
        self.b = self.modem("b", B_NUMBER, capacity=capacity, sim=sim_b)
        self.clock.advance(self.spec.registration.delay)
        self.pa, self.pb = self.a.port, self.b.port
        self.pa.take()
        self.pb.take()

    def modem(self, name, msisdn, capacity=(), sim=None, attach=True):
        spec = ModemSpec(name=name, n=1, msisdn=msisdn, sms_capacity=tuple(capacity),
                         sim=sim or SimSpec())
        if attach:
            self.network.attach(spec, random.Random(name))
        store = NVStore(self.tmp_path / f"{name}.json" if self.tmp_path else None)
        modem = Modem(spec, simulator.dialects.get("generic"), self.spec, self.clock,
                      random.Random(1), store, ip_network=self.network)
        modem.port = Port(modem, "uart1")
        modem.port.send(b"ATE0+CMEE=1\r")
        modem.power_on()
        return modem

    def advance(self, seconds):
        self.clock.advance(seconds)

    def send_text(self, port, number, text, prefix="+CMGS"):
        assert port.at(f'{prefix}="{number}"') == "\r\n> "
        assert port.send(text.encode("latin-1") + CTRL_Z) == ""
        self.advance(SUBMIT_DELAY)
        return port.take()


@pytest.fixture
def two():
    return TwoModems()


def test_text_message_stored_with_cmti_and_read(two):
    two.pb.at("+CMGF=1;+CNMI=2,1")
    two.pa.at("+CMGF=1")
    assert two.send_text(two.pa, B_NUMBER, "hello B") == info("+CMGS: 1")
    assert two.pb.take() == ""
    two.advance(DELAY)
    assert two.pb.take() == '\r\n+CMTI: "ME",1\r\n'
    assert two.pb.at("+CMGR=1") == info(
        f'+CMGR: "REC UNREAD","{A_NUMBER}",,"00/01/01,00:00:03+00"', "hello B")
    assert two.pb.at("+CSDH=1;+CMGR=1") == info(
        f'+CMGR: "REC READ","{A_NUMBER}",,"00/01/01,00:00:03+00",145,4,0,0,'
        '"+33609001390",145,7', "hello B")
    assert two.pb.at("+CPMS?") == info('+CPMS: "ME",1,23,"ME",1,23,"ME",1,23')


def test_pdu_message_routed_as_cmt(two):
    two.pb.at("+CNMI=2,2")
    hex_pdu, length = Pdu(Submit(Address.parse(B_NUMBER), split("ping", 0)[1][0])).encode()
    assert two.pa.at(f"+CMGS={length}") == "\r\n> "
    assert two.pa.send(hex_pdu.encode() + CTRL_Z) == ""
    two.advance(SUBMIT_DELAY)
    assert two.pa.take() == info("+CMGS: 1")
    two.advance(DELAY)
    lines = two.pb.take().split("\r\n")
    assert lines[:2] == ["", "+CMT: ,23"]
    deliver = Pdu.decode(lines[2], 23).tpdu
    assert isinstance(deliver, Deliver)
    assert (deliver.originator.text, deliver.user_data.payload) == (A_NUMBER, "ping")
    assert two.pb.at("+CPMS?") == info('+CPMS: "ME",0,23,"ME",0,23,"ME",0,23')


def test_references_count_up(two):
    two.pa.at("+CMGF=1")
    assert two.send_text(two.pa, B_NUMBER, "1") == info("+CMGS: 1")
    assert two.send_text(two.pa, B_NUMBER, "2") == info("+CMGS: 2")


def test_status_report_as_cds_and_cdsi(two):
    two.pa.at("+CMGF=1;+CSMP=49,167,0,0;+CNMI=2,1,0,1")
    two.send_text(two.pa, B_NUMBER, "report me")
    two.advance(DELAY)
    assert two.pa.take() == ("\r\n+CDS: 6,1,\"+33600000002\",145,\"00/01/01,00:00:02+00\","
                             "\"00/01/01,00:00:03+00\",0\r\n")
    two.pa.at("+CNMI=2,1,0,2")
    two.send_text(two.pa, B_NUMBER, "again")
    two.advance(DELAY)
    assert two.pa.take() == '\r\n+CDSI: "SR",1\r\n'
    assert two.pa.at('+CPMS="SR";+CMGF=0;+CMGR=1').startswith("\r\n+CPMS: 1,10,0,23,0,23\r\n"
                                                              "\r\n+CMGR: 0,,25\r\n")
    report = Pdu.decode(two.pa.at("+CMGR=1").split("\r\n")[2]).tpdu
    assert isinstance(report, StatusReport) and report.reference == 2


def test_unknown_number_fails_with_rp_cause_1(two):
    two.pa.at("+CMGF=1")
    assert two.send_text(two.pa, "+999", "lost") == cms(1)
    assert two.pa.at("") == OK


def test_prompt_cancel_empty_and_bad_pdu(two):
    assert two.pa.at("+CMGS=20") == "\r\n> "
    assert two.pa.send(ESC) == OK
    assert two.pa.at("+CMGS=20") == "\r\n> "
    assert two.pa.send(CTRL_Z) == cms(304)
    assert two.pa.at("+CMGS=5") == "\r\n> "
    assert two.pa.send(b"0011000B916407281553F80000AA0AE8329BFD4697D9EC37" + CTRL_Z) == cms(304)
    assert two.pa.at("+CMGS=1") == "\r\n> "
    assert two.pa.send(b"nonsense" + CTRL_Z) == cms(304)
    assert two.pa.at("+CMGS=0") == cms(304)
    assert two.pa.at("+CMGS") == "\r\n+CME ERROR: 4\r\n"  # no exec form
    assert two.pa.at('+CMGF=1;+CMGS="abc"') == cms(305)


def test_host_gone_at_the_prompt_leaves_a_working_port(two):
    assert two.pa.at("+CMGS=20") == "\r\n> "
    two.pa.send(b"0011")
    two.pa.channel.detach_host()
    two.pa.channel.attach_host(two.pa.host)
    assert two.pa.at("") == OK


def test_write_list_send_stored_and_delete(two):
    two.pa.at("+CMGF=1")
    assert two.pa.at('+CMGW="+33600000002"') == "\r\n> "
    assert two.pa.send(b"draft" + CTRL_Z) == info("+CMGW: 1")
    assert two.pa.at("+CMGW") == "\r\n> "
    assert two.pa.send(b"no address" + CTRL_Z) == info("+CMGW: 2")
    assert two.pa.at('+CMGL="STO UNSENT"') == info(
        f'+CMGL: 1,"STO UNSENT","{B_NUMBER}",,', "draft", '+CMGL: 2,"STO UNSENT","",,',
        "no address")
    assert two.pa.at('+CMGL="REC UNREAD"') == OK
    assert two.pa.at('+CMGL="bogus"') == cms(305)
    assert two.pa.at("+CMSS=1") == ""
    two.advance(SUBMIT_DELAY)
    assert two.pa.take() == info("+CMSS: 1")
    assert two.pa.at(f'+CMSS=2,"{B_NUMBER}"') == ""
    two.advance(SUBMIT_DELAY)
    assert two.pa.take() == info("+CMSS: 2")
    assert two.pa.at("+CMSS=3") == cms(321)
    assert two.pa.at('+CMGL="STO SENT"').count("+CMGL:") == 2
    assert two.pa.at("+CMGD=?") == info("+CMGD: (1,2),(0-4)")
    assert two.pa.at("+CMGD=1") == OK
    assert two.pa.at("+CMGD=99") == cms(321)
    assert two.pa.at("+CMGD=0,2") == OK
    assert two.pa.at("+CMGD=?") == info("+CMGD: (),(0-4)")
    two.advance(DELAY)
    two.pb.at("+CMGF=0")
    listed = two.pb.at("+CMGL=4")
    assert listed.count("+CMGL: ") == 2 and "+CMGL: 1,0,,24" in listed
    assert two.pb.at("+CMGL=4").count("+CMGL: 1,1,,") == 1  # read by the listing


def test_pdu_mode_write_and_delflags(two):
    hex_pdu, length = Pdu(Submit(Address.parse(B_NUMBER), split("x", 0)[1][0])).encode()
    for stat in (0, 1, 2, 3):
        assert two.pa.at(f"+CMGW={length},{stat}") == "\r\n> "
        assert two.pa.send(hex_pdu.encode() + CTRL_Z) == info(f"+CMGW: {stat + 1}")
    assert two.pa.at("+CMGL=4").count("+CMGL:") == 4
    assert two.pa.at("+CMGD=1") == OK
    assert two.pa.at("+CMGL=3") == info(f"+CMGL: 4,3,,{length}", hex_pdu)
    assert two.pa.at(f"+CMGW={length},4") == cms(304)
    assert two.pa.at(f"+CMGW={length},0") == "\r\n> "  # unread again after the listing
    assert two.pa.send(hex_pdu.encode() + CTRL_Z) == info("+CMGW: 1")
    assert two.pa.at("+CMGD=1,1") == OK  # read ones
    assert two.pa.at("+CMGD=?") == info("+CMGD: (1,3,4),(0-4)")
    assert two.pa.at("+CMGD=1,2") == OK  # and sent ones
    assert two.pa.at("+CMGD=?") == info("+CMGD: (1,3),(0-4)")
    assert two.pa.at("+CMGD=1,3") == OK  # and unsent ones
    assert two.pa.at("+CMGD=?") == info("+CMGD: (1),(0-4)")
    assert two.pa.at("+CMGD=1,4") == OK
    assert two.pa.at("+CMGD=?") == info("+CMGD: (),(0-4)")
    assert two.pa.at("+CMGD=1,5") == cms(304)


def test_full_store_and_the_centre_waits():
    two = TwoModems(capacity=(("ME", 1),))
    two.pb.at("+CNMI=2,1")
    two.pa.at("+CMGF=1")
    two.send_text(two.pa, B_NUMBER, "one")
    two.send_text(two.pa, B_NUMBER, "two")
    two.advance(DELAY)
    assert two.pb.take() == '\r\n+CMTI: "ME",1\r\n'
    assert two.network.sms.waiting("b") == 1
    two.pb.at("+CMGF=1")
    assert two.pb.at("+CMGW") == "\r\n> "
    assert two.pb.send(b"x" + CTRL_Z) == cms(322)
    assert two.pb.at("+CMGD=1") == OK + '\r\n+CMTI: "ME",1\r\n'
    assert two.pb.at("+CMGR=1").endswith('\r\ntwo\r\n\r\nOK\r\n')


def test_storage_survives_a_restart(tmp_path):
    two = TwoModems(tmp_path)
    two.pb.at("+CNMI=2,1")
    two.pa.at("+CMGF=1")
    two.send_text(two.pa, B_NUMBER, "keep me")
    two.advance(DELAY)
    again = two.modem("b", B_NUMBER, attach=False)
    again.port.send(b"AT+CMGF=1\r")
    assert again.port.at("+CMGL=\"ALL\"").endswith("\r\nkeep me\r\n\r\nOK\r\n")


def test_mt_memory_spans_me_and_sm():
    two = TwoModems(capacity=(("ME", 1), ("SM", 2)))
    two.pb.at('+CNMI=2,1;+CPMS="MT","MT","MT"')
    two.pa.at("+CMGF=1")
    for text in ("a", "b"):
        two.send_text(two.pa, B_NUMBER, text)
    two.advance(DELAY)
    assert two.pb.take() == '\r\n+CMTI: "MT",1\r\n\r\n+CMTI: "MT",2\r\n'
    assert two.pb.at('+CPMS="SM"') == info("+CPMS: 1,2,2,3,2,3")
    assert two.pb.at("+CMGL=4").startswith("\r\n+CMGL: 1,0,,")


def test_csms_1_needs_cnma(two):
    assert two.pb.at("+CSMS=1") == info("+CSMS: 1,1,1")
    assert two.pb.at("+CSMS?") == info("+CSMS: 1,1,1,1")
    assert two.pb.at("+CNMA") == cms(340)
    two.pb.at("+CNMI=2,2")
    two.pa.at("+CMGF=1")
    two.send_text(two.pa, B_NUMBER, "ack me")
    two.advance(DELAY)
    assert "+CMT: ,25" in two.pb.take()
    assert two.pb.at("+CNMA") == OK
    two.send_text(two.pa, B_NUMBER, "and me")
    two.advance(DELAY)
    assert "+CMT: " in two.pb.take()
    two.advance(ACK_TIMEOUT)
    assert two.pb.at("+CNMI?") == info("+CNMI: 2,0,0,0,0")
    assert two.pb.at("+CPMS?") == info('+CPMS: "ME",1,23,"ME",1,23,"ME",1,23')


def test_cnmi_mode_0_buffers_until_mode_2(two):
    two.pb.at("+CNMI=0,1")
    two.pa.at("+CMGF=1")
    two.send_text(two.pa, B_NUMBER, "later")
    two.advance(DELAY)
    assert two.pb.take() == ""
    assert two.pb.at("+CNMI=2,1,0,0,0") == OK + '\r\n+CMTI: "ME",1\r\n'


def test_class_2_is_stored_even_under_mt_2(two):
    two.pb.at("+CNMI=2,2")
    two.pa.at("+CMGF=1;+CSMP=17,167,0,18")
    two.send_text(two.pa, B_NUMBER, "sim")
    two.advance(DELAY)
    assert two.pb.take() == '\r\n+CMTI: "ME",1\r\n'


def test_no_network_and_no_pin():
    two = TwoModems(sim_b=SimSpec(pin="1234"))
    assert two.pb.at("+CMGS=20") == cms(311)
    assert two.pb.at("+CMGL") == cms(311)
    two.pa.at("+CFUN=4")
    assert two.pa.at("+CMGF=1") == OK
    assert two.pa.at(f'+CMGS="{B_NUMBER}"') == "\r\n> "
    assert two.pa.send(b"x" + CTRL_Z) == cms(331)


def test_configuration_commands(two):
    assert two.pa.at("+CSDH?") == info("+CSDH: 0")
    assert two.pa.at("+CSDH=?") == info("+CSDH: (0,1)")
    assert two.pa.at("+CSDH=2") == "\r\n+CME ERROR: 50\r\n"
    assert two.pa.at("+CSMS=?") == info("+CSMS: (0,1)")
    assert two.pa.at("+CSMS=2") == cms(303)
    assert two.pa.at("+CMMS=2") == OK
    assert two.pa.at("+CMMS?") == info("+CMMS: 2")
    assert two.pa.at("+CMMS=?") == info("+CMMS: (0-2)")
    assert two.pa.at("+CMGL=?") == info("+CMGL: (0-4)")
    assert two.pa.at("+CMGF=1;+CMGL=?") == info(
        '+CMGL: ("REC UNREAD","REC READ","STO UNSENT","STO SENT","ALL")')
    assert two.pa.at("+CMGR=1") == cms(321)
    assert two.pa.at("+CMGR=0") == cms(321)


def test_ucs2_text_mode(two):
    two.pb.at('+CMGF=1;+CNMI=2,2;+CSCS="UCS2"')
    two.pa.at('+CMGF=1;+CSCS="UCS2";+CSMP=17,167,0,8')
    number = "".join(f"{ord(c):04X}" for c in B_NUMBER)
    assert two.send_text(two.pa, number, "041F04400438") == info("+CMGS: 1")
    two.advance(DELAY)
    shown = two.pb.take()
    assert shown.endswith("\r\n041F04400438\r\n")
    assert '"002B00330033' in shown


def test_folders(tmp_path):
    outbox, inbox = tmp_path / "outbox", tmp_path / "inbox"
    inbox.mkdir()
    two = TwoModems(numbers=[NumberSpec("+3370000", sms=outbox)],
                    sms=SmsCentreSpec(inbox=inbox))
    two.network.sms.startService()
    two.pa.at("+CMGF=1")
    two.send_text(two.pa, "+3370000", "to the folder")
    two.advance(DELAY)
    (written,) = outbox.iterdir()
    assert written.read_text().endswith("To: +3370000\nDate: 2000-01-01T00:00:03+00:00\n\n"
                                        "to the folder")
    assert written.read_text().startswith(f"From: {A_NUMBER}\n")
    (inbox / "hello.txt").write_text(f"From: +3370000\nTo: {B_NUMBER}\n\n" + "long " * 50)
    (inbox / "bad.txt").write_text("Subject: hi\n\nno")
    two.pb.at("+CNMI=2,1")
    two.advance(1)
    assert two.pb.take() == '\r\n+CMTI: "ME",1\r\n\r\n+CMTI: "ME",2\r\n'
    assert sorted(p.name for p in inbox.iterdir()) == ["bad.txt.error", "hello.txt.done"]
    assert two.send_text(two.pa, "+3370001", "nobody") == cms(1)


def test_pdu_mode_cmss_cnma_refusal_and_text_mode_headers(two):
    hex_pdu, length = Pdu(Submit(Address.parse(B_NUMBER), split("stored", 0)[1][0])).encode()
    assert two.pa.at(f"+CMGW={length}") == "\r\n> "
    assert two.pa.send(hex_pdu.encode() + CTRL_Z) == info("+CMGW: 1")
    assert two.pa.at("+CMSS=1") == ""
    two.advance(SUBMIT_DELAY)
    assert two.pa.take() == info("+CMSS: 1")
    assert two.pa.at("+CMGF=1;+CSDH=1;+CMGR=1") == info(
        f'+CMGR: "STO SENT","{B_NUMBER}",,145,1,0,0,,,,6', "stored")
    assert two.pa.at('+CMGL="ALL"') == info(
        f'+CMGL: 1,"STO SENT","{B_NUMBER}",,,145,6', "stored")
    # +CNMA=2 refuses a +CMT: the network sends it again and it is stored.
    two.pb.at("+CSMS=1;+CNMI=2,2")
    two.advance(DELAY)
    assert "+CMT: ,25" in two.pb.take()
    assert two.pb.at("+CNMA=?") == info("+CNMA: (0-2)")
    assert two.pb.at("+CNMA=3") == cms(304)
    assert two.pb.at("+CNMA=2") == OK + '\r\n+CMTI: "ME",1\r\n'
    assert two.pb.at("+CPMS?") == info('+CPMS: "ME",1,23,"ME",1,23,"ME",1,23')
    assert two.pb.at("+CMGF=1;+CNMA") == cms(340)


def test_received_message_cannot_be_resent_and_status_report_listing(two):
    two.pa.at("+CMGF=1;+CSMP=49,167,0,0;+CNMI=2,1,0,2")
    two.pb.at("+CNMI=2,1")
    two.send_text(two.pa, B_NUMBER, "x")
    two.advance(DELAY)
    assert two.pb.take() == '\r\n+CMTI: "ME",1\r\n'
    assert two.pb.at("+CMSS=1") == cms(302)
    assert two.pa.at('+CPMS="SR";+CMGL="ALL"').endswith(
        '+CMGL: 1,"REC UNREAD",6,1,"+33600000002",145,"00/01/01,00:00:02+00",'
        '"00/01/01,00:00:03+00",0\r\n\r\nOK\r\n')


def test_cnmi_mode_1_drops_while_busy(two):
    two.pb.at("+CNMI=1,1")
    two.pa.at("+CMGF=1")
    two.send_text(two.pa, B_NUMBER, "one")
    assert two.pb.at("+CMGS=20") == "\r\n> "  # busy at the prompt when it arrives
    two.advance(DELAY)
    assert two.pb.send(ESC) == OK
    assert two.pb.take() == ""
    assert two.pb.at("+CPMS?") == info('+CPMS: "ME",1,23,"ME",1,23,"ME",1,23')


def test_out_of_service_messages_wait_at_the_centre(two):
    two.pb.at("+CNMI=2,1;+CFUN=4")
    two.pa.at("+CMGF=1")
    two.send_text(two.pa, B_NUMBER, "later")
    two.advance(DELAY)
    assert two.network.sms.waiting("b") == 1
    assert two.pb.at("+CFUN=1") == OK
    two.advance(two.spec.registration.delay)
    assert '+CMTI: "ME",1' in two.pb.take()
    assert two.network.sms.waiting("b") == 0


def test_destination_types(two):
    two.pa.at("+CMGF=1;+CSDH=1")
    for given, shown in (('"*100#"', '"*100#",,,129'), ('"0612",161', '"0612",,,161'),
                         ('"+4412"', '"+4412",,,145'), ('"4412",145', '"+4412",,,145')):
        assert two.pa.at(f"+CMGW={given}") == "\r\n> "
        index = two.pa.send(CTRL_Z).split(": ")[1].split("\r")[0]
        assert two.pa.at("+CMGL=\"ALL\"").count(f'+CMGL: {index},"STO UNSENT",{shown}') == 1
    assert two.pa.at('+CMGW="12a"') == cms(305)
    assert two.pa.at('+CMGW="1",12') == cms(305)


@pytest.mark.parametrize("dialect", simulator.dialects.names())
def test_every_dialect_has_the_message_service(dialect):
    clock = Clock()
    spec = NetworkSpec()
    network = Network(spec, clock=clock, lab_listen=False)
    network.startService()
    modems = []
    for name, number in (("a", A_NUMBER), ("b", B_NUMBER)):
        modem_spec = ModemSpec(name=name, n=1, msisdn=number, dialect=dialect)
        network.attach(modem_spec, random.Random(name))
        modem = Modem(modem_spec, simulator.dialects.get(dialect), spec, clock,
                      random.Random(1), NVStore(None), ip_network=network)
        modem.port = Port(modem, "uart1")
        modem.power_on()
        modems.append(modem)
    clock.advance(30)  # registered, whatever the dialect's start-up
    a, b = (m.port for m in modems)
    for port in (a, b):
        port.send(b"ATE0\r")
        port.take()
    assert b.at("+CMGF=1;+CNMI=2,1").endswith("OK\r\n")
    assert a.at(f'+CMGF=1;+CMGS="{B_NUMBER}"').endswith("\r\n> ")
    a.send(b"hi" + CTRL_Z)
    clock.advance(SUBMIT_DELAY)
    assert a.take().endswith("+CMGS: 1\r\n\r\nOK\r\n")
    clock.advance(DELAY)
    assert b.take().endswith('\r\n+CMTI: "ME",1\r\n')
    assert b.at("+CMGR=1").endswith(f'"REC UNREAD","{A_NUMBER}",,"00/01/01,00:00:31+00"'
                                     "\r\nhi\r\n\r\nOK\r\n")


def test_a_message_expires_at_the_centre_with_a_report(two):
    two.pb.at("+CFUN=4")
    two.pa.at("+CMGF=1;+CSMP=49,0,0,0;+CNMI=2,1,0,1")  # TP-VP 0: five minutes
    two.send_text(two.pa, B_NUMBER, "too late")
    two.advance(DELAY)
    assert two.network.sms.waiting("b") == 1
    two.advance(300 - DELAY - 1)
    assert two.pa.take() == ""
    two.advance(1)
    assert two.network.sms.waiting("b") == 0
    assert two.pa.take().endswith(',"00/01/01,00:05:02+00",70\r\n')  # TP-ST 0x46
    two.pb.at("+CFUN=1")
    two.advance(two.spec.registration.delay)
    assert two.pb.take() == ""  # nothing came


def test_text_mode_prompts_again_after_each_cr(two):
    two.pa.at("+CMGF=1")
    assert two.pa.at(f'+CMGS="{B_NUMBER}"') == "\r\n> "
    assert two.pa.send(b"line one\r") == "\r\n> "
    assert two.pa.send(b"line two\x08\x08wo") == ""  # S5 (backspace) edits
    assert two.pa.send(CTRL_Z) == ""
    two.advance(SUBMIT_DELAY)
    assert two.pa.take() == info("+CMGS: 1")
    two.pb.at("+CMGF=1;+CNMI=2,2")
    two.advance(DELAY)
    assert two.pb.take().endswith("\r\nline one\rline two\r\n")
    two.pa.send(b"ATE1\r")
    two.pa.take()
    two.pa.at("+CSMP=17,167,0,8")  # UCS2: hex is typed, a CR gets no prompt
    assert two.pa.send(f'AT+CMGW="{B_NUMBER}"\r'.encode()) == (
        f'AT+CMGW="{B_NUMBER}"\r\r\n> ')
    assert two.pa.send(b"0041\r") == "0041\r"
    assert two.pa.send(ESC) == OK


def test_alpha_comes_from_the_phone_book(two):
    """27.005 <alpha>: the text of the phone book entry holding <oa>/<da>, in +CSCS."""
    assert two.pb.at(f'+CPBW=,"{A_NUMBER}",145,"Alice"') == OK
    assert two.pb.at(f'+CPBS="ME";+CPBW=,"{B_NUMBER}",145,"Me"') == OK
    two.pb.at("+CMGF=1;+CNMI=2,2;+CSDH=1")
    two.pa.at("+CMGF=1")
    two.send_text(two.pa, B_NUMBER, "hi")
    two.advance(DELAY)
    assert two.pb.take() == (
        f'\r\n+CMT: "{A_NUMBER}","Alice","00/01/01,00:00:03+00",145,4,0,0,"+33609001390",'
        '145,2\r\nhi\r\n')
    two.pb.at("+CNMI=2,1")
    two.send_text(two.pa, B_NUMBER, "stored")
    two.advance(DELAY)
    two.pb.take()
    assert two.pb.at('+CMGL="ALL"').startswith(
        f'\r\n+CMGL: 1,"REC UNREAD","{A_NUMBER}","Alice","00/01/01,00:00:')
    assert two.pb.at('+CMGW="+33600000002"') == "\r\n> "
    assert two.pb.send(b"note" + CTRL_Z) == info("+CMGW: 2")
    assert two.pb.at('+CSDH=0;+CSCS="UCS2";+CMGR=2').startswith(
        '\r\n+CMGR: "STO UNSENT","002B00330033003600300030003000300030003000300032","004D0065"\r\n')
