"""The host's bytes for a transfer that takes what fits (a file upload, a mail body):
``simulator.ipstack.apps.Transfer.write`` returns how many bytes it took, the rest waits
here until the transfer says it has room again (``Writable``), and the end (the host's ETX,
a mail's end mark) reaches the transfer only once everything before it did.
"""

from __future__ import annotations

from typing import Any


class TransferFeed:
    """Bytes on their way into ``target`` (``write(data) -> taken``, ``finish()``,
    ``ended``, ``closed``).  Call ``push()`` when the target has room again."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self._pending = bytearray()
        self.finishing = False

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, data: bytes) -> None:
        self._pending += data
        self.push()

    def finish(self) -> None:
        """No more bytes: the target is finished once the waiting ones went."""
        self.finishing = True
        self.push()

    def push(self) -> None:
        target = self.target
        if target.ended or target.closed:
            self._pending.clear()  # the transfer ended: its result says how
            return
        if self._pending:
            taken = target.write(bytes(self._pending))
            del self._pending[:taken]
        if self.finishing and not self._pending:
            target.finish()
