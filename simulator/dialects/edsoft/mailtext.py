"""The mail text between the host and the module, sans-IO (002 §3.2.2, §3.4.2).

* ``BodyReader``: the host's ``AT#PUTMAIL`` body, which ends at ``<CR><LF>.<CR><LF>``
  (002 §3.4.2, A.6.1).  The line end before the dot is the body's last; the body's very
  start counts as a line start, so a lone ``.<CR><LF>`` first is an empty body.  Nothing is
  unstuffed: the host's lines go as typed (the SMTP client stuffs them for the server).
* ``MailWriter``: a retrieved message as ``AT#GETMAIL`` shows it (decision E88): with
  POP3HEADERMODE 1 its From, Cc and Subject lines then an empty line, then the body; a body
  line starting with "." gets a second one, so that the host's ``<CR><LF>.<CR><LF>`` can
  only be the end, which ``end()`` writes.
"""

from __future__ import annotations

import email.parser
import email.policy

TERMINATOR = b"\r\n.\r\n"
#: The header fields ``AT#GETMAIL`` shows, in this order (002 §3.1.8).
SHOWN_FIELDS = ("From", "Cc", "Subject")


class BodyReader:
    def __init__(self) -> None:
        # A virtual line end before the first byte: the body starts at a line start.
        self._held = b"\r\n"
        self._virtual = 2
        self.ended = False

    def feed(self, data: bytes) -> bytes:
        """The body bytes ``data`` completes (none once ``ended``)."""
        if self.ended:
            return b""
        buffer = self._held + data
        end = buffer.find(TERMINATOR)
        if end >= 0:
            self.ended = True
            cut, keep = end + 2, b""  # the line end before the dot is the body's
        else:
            keep = _terminator_prefix(buffer)
            cut = len(buffer) - len(keep)
        start = min(self._virtual, cut)
        out = buffer[start:cut]
        self._held = keep
        self._virtual = max(0, self._virtual - cut)
        return out


def _terminator_prefix(buffer: bytes) -> bytes:
    """The longest end of ``buffer`` the terminator could still start with."""
    for size in range(min(len(TERMINATOR) - 1, len(buffer)), 0, -1):
        if TERMINATOR.startswith(buffer[-size:]):
            return buffer[-size:]
    return b""


class MailWriter:
    """A message's CRLF lines (as POP3 gives them, unstuffed) to what the host reads."""

    def __init__(self, *, header: bool) -> None:
        self._show_header = header
        self._in_header = True
        self._header = bytearray()
        self._partial = b""

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        lines = (self._partial + data).split(b"\r\n")
        self._partial = lines.pop()
        for line in lines:
            out += self._line(line)
        return bytes(out)

    def _line(self, line: bytes) -> bytes:
        if self._in_header:
            if line:
                self._header += line + b"\r\n"
                return b""
            self._in_header = False
            return self._header_lines()
        return (b"." if line.startswith(b".") else b"") + line + b"\r\n"

    def _header_lines(self) -> bytes:
        if not self._show_header:
            return b""
        message = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(
            bytes(self._header))
        out = bytearray()
        for name in SHOWN_FIELDS:
            value = message.get(name)
            if value is not None:
                text = " ".join(str(value).split())  # unfolded
                out += f"{name}: {text}\r\n".encode("latin-1", "replace")
        return bytes(out + b"\r\n")

    def end(self) -> bytes:
        """What is left, then the end mark."""
        out = bytearray()
        if self._partial:
            out += self._line(self._partial)
            self._partial = b""
        if self._in_header:  # a message without a body: its header is all there is
            self._in_header = False
            out += self._header_lines()
        return bytes(out + b".\r\n")
