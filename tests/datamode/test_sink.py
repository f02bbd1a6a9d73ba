"""The socket sinks against a fake port and fake sockets: each rule of StreamRules and
DatagramRules, and giving the port back."""

from twisted.internet import task

from simulator.at.commands import ResultCode
from simulator.datamode.dle import END_MARK
from simulator.datamode.sink import DatagramRules, DatagramSink, StreamRules, StreamSink
from simulator.datamode.uplink import Uplink
from simulator.ipstack.buffers import Datagram
from tests.datamode.test_uplink import FakeSocket

D, E = b"\x10", b"\x03"


class FakeLink:
    def __init__(self):
        self.written = bytearray()
        self.result = "still in data mode"

    def write(self, data):
        self.written += data

    def end(self, result=ResultCode.NO_CARRIER):
        self.result = result


class StreamEnd:
    def __init__(self):
        self.clock = task.Clock()
        self.sock = FakeSocket()
        self.uplink = Uplink(self.clock, self.sock, delay=lambda: 0)
        self.sink = None
        self.unread = b""
        self.left = 0

    def read(self):
        data, self.unread = self.unread, b""
        return data

    def data_mode_left(self):
        self.left += 1


class DatagramEnd:
    def __init__(self, *queued):
        self.queue = [Datagram(d, "192.0.2.7", 7) for d in queued]
        self.sent = []
        self.sink = None
        self.left = 0

    def next_datagram(self):
        return self.queue.pop(0) if self.queue else None

    def send_datagram(self, payload):
        self.sent.append(payload)

    def data_mode_left(self):
        self.left += 1


def error(code):
    return f"+CME ERROR: {code}"


def stream(rules=None, **kw):
    end, link = StreamEnd(), FakeLink()
    sink = StreamSink(end, error_result=error, rules=rules or StreamRules(), **kw)
    sink.attach(link)
    return end, link, sink


def test_stream_escapes_both_ways_and_etx_shuts_down():
    end, link, sink = stream()
    assert end.sink is sink
    sink.data_received(b"a" + D + E + b"b" + E)
    end.clock.advance(0)
    assert end.sock.sent == b"a\x03b" and end.sock.ended == "shutdown"
    assert link.result == "still in data mode"
    end.unread = b"x\x10\x03"
    sink.received()
    assert link.written == b"x" + D + D + D + E


def test_stream_rules_for_close_and_leaving():
    rules = StreamRules(end_of_data="close", end_of_data_leaves=True,
                        end_of_data_result="Ok_Info_SocketClosed")
    end, link, sink = stream(rules)
    sink.data_received(b"bye" + E + b"ignored")
    assert end.sock.sent == b"bye" and end.sock.ended == "close"
    assert link.result == "Ok_Info_SocketClosed" and end.sink is None and end.left == 1


def test_transparent_stream_passes_every_byte():
    end, link, sink = stream(escaping=None)
    sink.data_received(b"a" + E + D)
    end.clock.advance(0)
    end.unread = E
    sink.peer_shutdown()
    assert end.sock.sent == b"a\x03\x10" and end.sock.ended is None
    assert link.written == E  # the data, no mark


def test_peer_shutdown_mark_and_leaving():
    end, link, sink = stream(StreamRules(peer_shutdown_mark=b"\r\nSHUTDOWN\r\n"))
    end.unread = b"last"
    sink.peer_shutdown()
    assert link.written == b"last\r\nSHUTDOWN\r\n" and end.sink is sink
    end, link, sink = stream(StreamRules(peer_shutdown_leaves=True,
                                         peer_shutdown_result="Ok_Info_SocketClosed"))
    sink.peer_shutdown()
    assert link.written == END_MARK and link.result == "Ok_Info_SocketClosed"
    assert end.sink is None


def test_escape_flushes_and_gives_the_port_back():
    end, link, sink = stream()
    end.uplink = Uplink(end.clock, end.sock, delay=lambda: 5)
    sink.data_received(b"held")
    assert sink.escaped() is False
    assert end.sock.sent == b"held" and end.sock.ended is None and end.left == 1
    end, link, sink = stream(StreamRules(escape_is_end_of_data=True))
    sink.escaped()
    assert end.sock.ended == "shutdown"


def test_release_and_failure():
    end, link, sink = stream()
    sink.release()
    assert link.result == ResultCode.OK and end.sink is None and end.left == 1
    end, link, sink = stream()
    end.unread = b"tail"
    sink.failed(843)
    assert link.written == b"tail" + E and link.result == "+CME ERROR: 843"
    assert end.sink is None


def test_datagrams_both_ways():
    end, link = DatagramEnd(b"one", b"t\x03o"), FakeLink()
    sink = DatagramSink(end, error_result=error, max_size=4)
    sink.attach(link)
    assert link.written == b"one" + E + b"t" + D + E + b"o" + E
    sink.data_received(b"abcdef" + E + E + b"par")
    assert end.sent == [b"abcd", b"ef"]
    sink.escaped()
    assert end.sent == [b"abcd", b"ef", b"par"] and end.left == 1


def test_one_datagram_each_time():
    end, link = DatagramEnd(b"first", b"second"), FakeLink()
    sink = DatagramSink(end, error_result=error, max_size=100,
                        rules=DatagramRules(one_datagram_each_time=True))
    sink.attach(link)
    end.queue.append(Datagram(b"third", "192.0.2.7", 7))
    sink.received()
    assert link.written == b"first" + E
    assert [d.data for d in end.queue] == [b"second", b"third"]
    # mapped again: the next one
    link = FakeLink()
    sink = DatagramSink(end, error_result=error, max_size=100,
                        rules=DatagramRules(one_datagram_each_time=True))
    sink.attach(link)
    assert link.written == b"second" + E


def test_datagram_etx_can_leave_data_mode():
    end, link = DatagramEnd(), FakeLink()
    sink = DatagramSink(end, error_result=error, max_size=100,
                        rules=DatagramRules(end_of_data_leaves=True))
    sink.attach(link)
    sink.data_received(b"dgram" + E)
    assert end.sent == [b"dgram"] and link.result == ResultCode.OK and end.sink is None


def test_a_socket_with_news_from_before_tells_them_once_attached():
    end, link = StreamEnd(), FakeLink()
    end.unread = b"early"
    order = []
    end.data_mode_entered = lambda: order.append(bytes(link.written))
    sink = StreamSink(end, error_result=error)
    sink.attach(link)
    assert order == [b"early"]  # after what was received before, with the sink in place
    assert end.sink is sink


def test_a_dialects_own_lines_end_data_mode():
    closed = END_MARK + b"\r\nOk_Info_SocketClosed\r\n\r\nOK\r\n"
    end, link, sink = stream(StreamRules(peer_shutdown_leaves=True,
                                         peer_shutdown_result=closed))
    sink.peer_shutdown()
    assert bytes(link.written) == END_MARK and link.result == closed and end.left == 1


class RunEnd(StreamEnd):
    """A socket whose network delivers runs of segments (``after_delivery``)."""

    def __init__(self):
        super().__init__()
        self.in_run = False
        self.after = []

    def after_delivery(self, callback):
        if self.in_run:
            self.after.append(callback)
        return self.in_run

    def run(self, *segments, then=None):
        self.in_run = True
        for segment in segments:
            self.unread += segment
            self.sink.received()
        if then is not None:
            then()
        self.in_run = False
        for callback in self.after:
            callback()
        self.after = []


class CountingLink(FakeLink):
    def __init__(self):
        super().__init__()
        self.writes = []

    def write(self, data):
        super().write(data)
        self.writes.append(bytes(data))


def run_stream(rules=None, **kw):
    end, link = RunEnd(), CountingLink()
    sink = StreamSink(end, error_result=error, rules=rules or StreamRules(), **kw)
    sink.attach(link)
    return end, link, sink


def test_a_run_of_segments_reaches_the_host_in_one_write_after_its_last():
    end, link, sink = run_stream()
    end.run(b"ab", b"c\x03", b"d")
    assert link.writes == [b"abc" + D + E + b"d"]
    end.unread = b"e"  # outside a run: at once
    sink.received()
    assert link.writes[-1] == b"e"


def test_what_follows_a_run_in_the_same_turn_comes_after_its_bytes():
    end, link, sink = run_stream(StreamRules(peer_shutdown_mark=b"!"))
    end.run(b"one", b"two", then=sink.peer_shutdown)
    assert link.written == b"onetwo!"
    end, link, sink = run_stream()
    end.run(b"last", then=lambda: sink.failed(3))
    assert link.written == b"last" + END_MARK and link.result == "+CME ERROR: 3"
    end, link, sink = run_stream()
    end.run(b"before", then=sink.escaped)
    assert link.written == b"before" and end.sink is None
