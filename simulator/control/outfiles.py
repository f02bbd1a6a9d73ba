"""Output files of a run (transcripts, captures): many files, few descriptors."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

#: Files kept open at once; a run of 1,000 modems must not hold a descriptor per port.
OPEN_FILES = 64


def safe_name(name: str) -> str:
    """A modem or port name as one file name: ``tcp tcp:7001:interface=127.0.0.1`` ->
    ``tcp_tcp_7001_interface_127.0.0.1``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "_"


class Files:
    """Files written by appending, at most ``limit`` open at once (the least recently used
    closed first, reopened to append when written again), each started with
    ``header(path)`` when first written in this run (an older file of that name is
    replaced)."""

    def __init__(self, limit: int = OPEN_FILES,
                 header: Callable[[Path], bytes] = lambda path: b"") -> None:
        self.limit = limit
        self.header = header
        self._open: OrderedDict[Path, object] = OrderedDict()
        self._started: set[Path] = set()

    def write(self, path: Path, data: bytes) -> None:
        file = self._open.get(path)
        if file is None:
            if path not in self._started:
                path.parent.mkdir(parents=True, exist_ok=True)
                file = open(path, "wb")  # noqa: SIM115 - kept open, closed by close()
                file.write(self.header(path))
                self._started.add(path)
            else:
                file = open(path, "ab")  # noqa: SIM115
            self._open[path] = file
            while len(self._open) > self.limit:
                _, oldest = self._open.popitem(last=False)
                oldest.close()
        else:
            self._open.move_to_end(path)
        file.write(data)

    def flush(self) -> None:
        for file in self._open.values():
            file.flush()

    def close(self) -> None:
        for file in self._open.values():
            file.close()
        self._open.clear()


class ChannelRecorder:
    """A recorder of the modems' AT channels: taps every channel there is at ``start`` and
    every one attached later (the modems' ``port`` event), and leaves them at ``stop``.
    A subclass says what a tap does (``_tap``, once a channel) and what is left to write
    at the end (``_flush``)."""

    def __init__(self, directory: Path, modems, clock,
                 header: Callable[[Path], bytes]) -> None:
        self.directory = directory
        self.modems = list(modems)
        self.clock = clock
        self.files = Files(header=header)

    def start(self) -> None:
        for modem in self.modems:
            modem.add_hook("observers", self._observe)
            for interpreter in list(modem.interpreters):
                self._tap(modem, interpreter)

    def stop(self) -> None:
        for modem in self.modems:
            modem.remove_hook("observers", self._observe)
        self._flush()
        self.files.close()

    def _observe(self, modem, kind: str, port, fields: dict) -> None:
        if kind == "port" and fields.get("state") == "attached":
            for interpreter in modem.interpreters:
                if interpreter.port == port:
                    self._tap(modem, interpreter)

    def _tap(self, modem, interpreter) -> None:
        raise NotImplementedError

    def _flush(self) -> None:
        """Write what is still held when recording stops."""
