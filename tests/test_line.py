"""The Channel's power switch for the modem end: what a host sees of an unpowered modem."""

from simulator.line import Channel, ModemSignals
from tests.at.harness import RecordingHost


class Device:
    def __init__(self) -> None:
        self.data = bytearray()

    def data_received(self, data: bytes) -> None:
        self.data += data

    def host_opened(self) -> None:
        pass

    def host_closed(self) -> None:
        pass


def wired():
    channel, host, device = Channel("m/p"), RecordingHost(), Device()
    channel.attach_device(device)
    channel.attach_host(host)
    return channel, host, device


def test_without_power_bytes_are_lost_both_ways_and_counted():
    channel, host, device = wired()
    channel.set_device_power(False)
    channel.receive(b"AT\r")
    channel.write(b"OK")
    assert (device.data, host.received) == (b"", b"")
    assert (channel.dropped_rx, channel.dropped_tx) == (3, 2)
    channel.set_device_power(True)
    channel.receive(b"AT\r")
    channel.write(b"OK")
    assert (device.data, host.received) == (b"AT\r", b"OK")


def test_the_circuits_drop_and_come_back_as_the_device_last_set_them():
    channel, host, device = wired()
    channel.set_modem_signals(dcd=True)
    channel.set_device_power(False)
    assert host.signals[-1] == ModemSignals(dcd=False, ri=False, dsr=False, cts=False)
    channel.set_modem_signals(dcd=False)  # the device changed it while off
    assert channel.modem_signals.dsr is False
    channel.set_device_power(True)
    assert host.signals[-1] == ModemSignals(dcd=False, ri=False, dsr=True, cts=True)


class Journal:
    """A host end that records deliveries and signal changes in the order they came."""

    def __init__(self) -> None:
        self.log: list = []

    def deliver(self, data: bytes) -> None:
        self.log.append(("deliver", data))

    def deliver_now(self, data: bytes) -> None:
        self.log.append(("now", data))

    def modem_signals_changed(self, signals: ModemSignals) -> None:
        self.log.append(("signals", signals.dcd))


class Scripted(Device):
    """A device that runs ``script(channel)`` for every byte string the host sends."""

    def __init__(self, channel: Channel, script) -> None:
        super().__init__()
        self.channel, self.script = channel, script
        channel.attach_device(self)

    def data_received(self, data: bytes) -> None:
        self.script(self.channel)

    def host_closed(self) -> None:
        pass


def journaled(script):
    channel, host = Channel("m/p"), Journal()
    Scripted(channel, script)
    channel.attach_host(host)
    host.log.clear()
    return channel, host


def test_what_the_device_writes_while_handling_input_reaches_the_host_in_one_write():
    def answer(channel):
        channel.write(b"AT\r")
        channel.write(b"\r\n+CSQ: 99,99\r\n")
        channel.write(b"\r\nOK\r\n")

    channel, host = journaled(answer)
    channel.receive(b"AT+CSQ\r")
    assert host.log == [("now", b"AT\r\r\n+CSQ: 99,99\r\n\r\nOK\r\n")]
    channel.write(b"\r\nRING\r\n")  # on its own: the ordinary way
    assert host.log[-1] == ("deliver", b"\r\nRING\r\n")


def test_a_signal_change_while_handling_input_comes_after_the_bytes_before_it():
    def connect(channel):
        channel.write(b"\r\nCONNECT\r\n")
        channel.set_modem_signals(dcd=True)
        channel.write(b"data")

    channel, host = journaled(connect)
    channel.receive(b"ATD1\r")
    assert host.log == [("now", b"\r\nCONNECT\r\n"), ("signals", True), ("now", b"data")]


def test_bytes_written_before_the_host_goes_or_the_power_fails_still_reach_it():
    def leave(channel):
        channel.write(b"\r\nOK\r\n")
        channel.detach_host()
        channel.write(b"lost")

    channel, host = journaled(leave)
    channel.receive(b"AT\r")
    assert host.log == [("now", b"\r\nOK\r\n")]
    assert channel.dropped_tx == 4

    def power_off(channel):
        channel.write(b"\r\nOK\r\n")
        channel.set_device_power(False)
        channel.write(b"lost")

    channel, host = journaled(power_off)
    channel.receive(b"AT+CFUN=0\r")
    assert host.log[0] == ("now", b"\r\nOK\r\n")
    assert [kind for kind, _ in host.log[1:]] == ["signals"]


def test_a_paused_channel_holds_both_directions_and_resume_delivers_them_in_order():
    from simulator.line import HELD_LIMIT

    channel, host, device = wired()
    taps = []
    channel.add_tap(lambda direction, data: taps.append((direction, data)))
    channel.pause()
    assert channel.paused
    channel.receive(b"AT\r")
    channel.write(b"\r\n+CREG: 0\r\n")
    channel.receive(b"ATI\r")
    assert (device.data, host.received, taps) == (b"", b"", [])
    channel.resume()
    assert not channel.paused
    assert device.data == b"AT\rATI\r"
    assert host.received == b"\r\n+CREG: 0\r\n"
    assert taps == [("rx", b"AT\r"), ("tx", b"\r\n+CREG: 0\r\n"), ("rx", b"ATI\r")]
    # Beyond the limit, bytes are lost and counted, as a UART's buffer overflows.
    channel.pause()
    channel.receive(b"x" * HELD_LIMIT)
    channel.receive(b"lost")
    channel.write(b"gone")
    assert (channel.dropped_rx, channel.dropped_tx) == (4, 4)
    channel.resume()
    assert len(device.data) == len(b"AT\rATI\r") + HELD_LIMIT


class HoldableHost:
    """A host end that records the holds its transport is asked for."""

    def __init__(self) -> None:
        self.holds: list[bool] = []

    def deliver(self, data: bytes) -> None:
        pass

    def modem_signals_changed(self, signals) -> None:
        pass

    def hold_input(self, held: bool) -> None:
        self.holds.append(held)


def test_a_stall_outlives_the_host_and_holds_the_next_one_but_a_full_fifo_does_not():
    channel = Channel("m/p")
    first = HoldableHost()
    channel.attach_host(first)
    channel.hold_input(True, "fifo")
    channel.hold_input(True, "stall")
    assert first.holds == [True]
    channel.detach_host()
    assert channel.input_held  # the stall still holds the port
    second = HoldableHost()
    channel.attach_host(second)
    assert second.holds == [True]  # held from the start (RFC 2217: FLOWCONTROL-SUSPEND)
    channel.hold_input(False, "stall")
    assert second.holds == [True, False] and not channel.input_held
    channel.hold_input(True, "fifo")
    channel.detach_host()  # the FIFO's hold leaves with its host
    third = HoldableHost()
    channel.attach_host(third)
    assert third.holds == [] and not channel.input_held


def test_the_channel_counts_the_bytes_a_tap_sees():
    channel, host, device = wired()
    tapped = {"rx": 0, "tx": 0}
    channel.add_tap(lambda direction, data: tapped.__setitem__(direction,
                                                               tapped[direction] + len(data)))
    channel.rx_filters.append(lambda data: data.replace(b"X", b""))
    channel.tx_filters.append(lambda data: data * 2)
    channel.receive(b"AXT\r")
    channel.write(b"OK")
    channel.detach_host()
    channel.write(b"lost")  # nobody there: dropped, but written all the same
    assert (channel.bytes_rx, channel.bytes_tx) == (tapped["rx"], tapped["tx"]) == (3, 12)
    channel.set_device_power(False)
    channel.receive(b"AT\r")
    channel.write(b"OK")
    assert (channel.bytes_rx, channel.bytes_tx) == (3, 12)
