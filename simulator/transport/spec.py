"""What a transport is asked to open: one host-facing port of a modem."""

from __future__ import annotations

import dataclasses

from simulator.source import Source


@dataclasses.dataclass(frozen=True)
class PortSpec:
    """One host-facing port of a modem: an independent AT channel."""

    kind: str  # "pty" | "tcp" | "rfc2217" | "serial"
    #: pty: absolute symlink path; tcp/rfc2217: Twisted server endpoint string;
    #: serial: device path.
    target: str
    baudrate: int = 115200
    source: Source | None = None
    #: Output reaches the host at the line rate (``simulator.transport.pacing``), not at
    #: once.
    paced: bool = False

    @property
    def label(self) -> str:
        """How the port is named in logs: ``pty /abs/dev/lab-1``,
        ``tcp tcp:7001:interface=127.0.0.1``, ``serial /dev/ttyS1``."""
        return f"{self.kind} {self.target}"
