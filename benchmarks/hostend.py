"""The host end of a modem's channel for the in-process benchmarks: keeps what the modem
sent, ignores the modem's signals."""

from __future__ import annotations


class RecordingHost:
    def __init__(self) -> None:
        self.received = bytearray()

    def deliver(self, data: bytes) -> None:
        self.received += data

    def modem_signals_changed(self, signals) -> None:
        pass
