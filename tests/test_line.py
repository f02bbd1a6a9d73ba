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
