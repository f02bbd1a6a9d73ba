"""TCP between two eDsoft modems over the GSM data call that joins them (002 §2.2.3, §2.1.1,
§5.2, §5.4, A.8): modem A, PPP client, dials modem B, PPP server, with AT#CONNECTIONSTART in
GSM mode; B listens with AT#LTCPSTART, A connects with AT#OTCP to B's PPP address; the bytes
each host types, DLE and ETX escaped (DLEMODE 1), reach the other host byte for byte, then
each side closes as A.8 shows.  Only AT commands, on a task.Clock."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.dialects.edsoft.connection_lab import A_NUMBER, B_NUMBER, configure, modem, second

DLE, ETX = b"\x10", b"\x03"
OK = b"\r\nOK\r\n"
WAITING = b"\r\nOk_Info_WaitingForData\r\n"
CLOSED = b"\r\nOk_Info_SocketClosed\r\n" + OK
B_ADDRESS, A_ADDRESS = "192.168.1.1", "192.168.1.2"


def line(text: str) -> bytes:
    return f"\r\n{text}\r\n".encode()


def escaped(data: bytes) -> bytes:
    """What DLEMODE 1 puts on the serial link for payload ``data`` (002 §5.4.1)."""
    return data.replace(DLE, DLE + DLE).replace(ETX, DLE + ETX)


class Pair:
    """A dials B; B serves PPP (PPPMODE 1) and answers by itself (ANSWERMODE 1) or, with
    ``accept``, when its host types AT#ACCEPT on the RING (ANSWERMODE 0)."""

    def __init__(self, accept: bool = False) -> None:
        self.accept = accept
        self.a = modem(msisdn=A_NUMBER)
        self.b = second(self.a, msisdn=B_NUMBER)
        configure(self.b, "#PPPMODE=1", f'#PPPMYIP="{B_ADDRESS}"',
                  f'#PPPPEERIP="{A_ADDRESS}"', '#PPPSERVUN="user"', '#PPPSERVPW="secret"')
        if not accept:
            configure(self.b, "#ANSWERMODE=1", "#RINGCOUNT=1", '#CALLSCREENNUM="*"')
        configure(self.a, "#GPRSMODE=0", f'#DIALN1="{B_NUMBER}"', '#ISPUN="user"',
                  '#ISPPW="secret"', "#PPPMODE=1")

    def settle(self, seconds: float = 1.0) -> tuple[bytes, bytes]:
        for _ in range(round(seconds / 0.01)):
            self.a.clock.advance(0.01)  # the two modems share it
        return self.a.port.take().encode("latin-1"), self.b.port.take().encode("latin-1")

    def call(self) -> None:
        assert self.a.at("#CONNECTIONSTART") == "\r\nDIALING\r\n" + f"\r\n{B_NUMBER}\r\n"
        if self.accept:
            assert self.settle(3) == (b"", line("RING"))
            assert self.b.at("#ACCEPT") == "\r\nOK\r\n\r\nCONNECT 9600\r\n"
            answer = b""
        else:
            answer = line("RING") + line("CONNECT 9600")
        a_out, b_out = self.settle(30)
        assert a_out == line("CONNECT 9600") + line(A_ADDRESS) + line("Ok_Info_Ppp")
        assert b_out == answer + line(B_ADDRESS) + line("PPP OK")

    def connect(self, port: int = 2000) -> None:
        """A.8.1 on B, A.8.2 on A: both hosts end in data mode on the one connection."""
        configure(self.b, '#TCPSERV=1,"255.255.255.255"', f'#TCPPORT=1,"{port}"',
                  "#DLEMODE=1,1", "#TCPTXDELAY=1,20")
        assert self.b.at("#ltcpstart=1") == "\r\nOK\r\n"
        configure(self.a, f'#TCPSERV=1,"{B_ADDRESS}"', f'#TCPPORT=1,"{port}"',
                  "#DLEMODE=1,1", "#TCPTXDELAY=1,20")
        assert self.a.at("#otcp=1") == ""
        assert self.settle(3) == (WAITING, WAITING)

    def keys(self, side: str, data: bytes) -> tuple[bytes, bytes]:
        """The host of ``side`` types ``data``: what (its own, the other's) port showed."""
        sender, other = (self.a, self.b) if side == "a" else (self.b, self.a)
        echoed = sender.port.send(data).encode("latin-1")
        a_out, b_out = self.settle(3)
        mine, theirs = (a_out, b_out) if side == "a" else (b_out, a_out)
        return echoed + mine, theirs

    def a_to_b(self, data: bytes) -> bytes:
        mine, theirs = self.keys("a", escaped(data))
        assert mine == b""
        return theirs

    def b_to_a(self, data: bytes) -> bytes:
        mine, theirs = self.keys("b", escaped(data))
        assert mine == b""
        return theirs


def open_pair(accept: bool = False) -> Pair:
    pair = Pair(accept)
    pair.call()
    pair.connect()
    return pair


EVERY_BYTE = bytes(range(256)) * 3  # DLE and ETX among them

# A read of exactly "+++" between two guard times is the escape sequence, which closes the
# socket (docs/dialects/edsoft.md, E69), so it is not payload.  Any other chunk is.
PAYLOAD = st.binary(min_size=1, max_size=200).filter(lambda chunk: chunk != b"+++")


@pytest.mark.parametrize("accept", [False, True], ids=["automatic", "accept"])
def test_every_byte_crosses_the_call_both_ways_escaped(accept):
    pair = open_pair(accept)
    assert pair.a_to_b(EVERY_BYTE) == escaped(EVERY_BYTE)
    assert pair.b_to_a(EVERY_BYTE[::-1]) == escaped(EVERY_BYTE[::-1])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PAYLOAD, min_size=1, max_size=4))
def test_any_bytes_cross_in_turns(chunks):
    pair = open_pair()
    for i, chunk in enumerate(chunks):
        if i % 2:
            assert pair.b_to_a(chunk) == escaped(chunk)
        else:
            assert pair.a_to_b(chunk) == escaped(chunk)


@pytest.mark.parametrize("closer", ["a", "b"])
def test_the_host_etx_closes_and_the_other_side_sees_the_socket_closed(closer):
    """A.8.1/A.8.2: the closing host's ETX gives it OK; the other shows ETX,
    Ok_Info_SocketClosed, OK; both are in command mode on the same call."""
    pair = open_pair()
    pair.a_to_b(b"Data")
    pair.b_to_a(b"Data")
    mine, theirs = pair.keys(closer, ETX)
    assert mine == OK
    assert theirs == ETX + CLOSED
    for bench in (pair.a, pair.b):
        assert bench.edsoft.resources.held == frozenset()
        assert bench.edsoft.link.up  # the call stays: only the socket closed
    # A connects again on the same call after B listens again
    pair.connect(port=2001)
    assert pair.a_to_b(b"again") == b"again"


def test_connectionstop_ends_the_call_for_both():
    pair = open_pair()
    assert pair.keys("a", ETX) == (OK, ETX + CLOSED)
    assert pair.a.at("#ConnectionStop") == "\r\nOK\r\n"
    assert pair.settle(10) == (b"", line("NO CARRIER"))
    assert not pair.a.edsoft.link.up and not pair.b.edsoft.link.up
    assert pair.b.at("#DISPLAYIP") == "\r\n#CME ERROR: 35867\r\n"


def test_plus_plus_plus_alone_between_guard_times_is_the_escape_not_payload():
    """E69: the escape gives its host OK and closes the socket, as the peer sees."""
    pair = open_pair()
    mine, theirs = pair.keys("a", b"+++")
    assert (mine, theirs) == (OK, ETX + CLOSED)
