"""The modem port the dialer talks to: a character device (a PTY's slave, a serial port) in
raw mode, or a TCP socket (``socket://host:port``, atsim's ``tcp:`` ports)."""

from __future__ import annotations

import os
import socket
import termios
import tty


class ModemPort:
    def __init__(self, fd: int, sock: socket.socket | None = None) -> None:
        self.fd = fd
        self._sock = sock

    @classmethod
    def open(cls, where: str) -> ModemPort:
        if where.startswith("socket://"):
            host, _, port = where[len("socket://"):].rpartition(":")
            sock = socket.create_connection((host or "127.0.0.1", int(port)))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setblocking(False)
            return cls(sock.fileno(), sock)
        fd = os.open(where, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(fd)
        attributes = termios.tcgetattr(fd)
        attributes[2] |= termios.CLOCAL  # the modem's DCD must not hang the port up
        attributes[4] = attributes[5] = termios.B115200
        termios.tcsetattr(fd, termios.TCSANOW, attributes)
        return cls(fd)

    def read(self) -> bytes:
        """What is there (b"" when nothing); EOFError when the port is gone."""
        try:
            data = self._sock.recv(65536) if self._sock else os.read(self.fd, 65536)
        except (BlockingIOError, InterruptedError):
            return b""
        except OSError as e:
            raise EOFError(str(e)) from None
        if not data:
            raise EOFError("port closed")
        return data

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                n = self._sock.send(view) if self._sock else os.write(self.fd, view)
            except (BlockingIOError, InterruptedError):
                import select

                select.select([], [self.fd], [], 1.0)
                continue
            view = view[n:]

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
        else:
            os.close(self.fd)
