"""Short messages as files: what the SMS centre writes into a number's ``sms:`` folder and
reads from its inbox folder (docs/sms.md).

A message file is UTF-8 text: header lines ``Name: value``, an empty line, then the body::

    From: +33700000001
    To: +33600000002
    Date: 2026-12-07T10:00:00+00:00

    The text of the message, any length, any characters.

``To`` names the recipient (a modem's number or its name); ``From`` the sender (a number
or an alphanumeric name of up to 11 characters; absent: ``atsim``); ``Date`` is written,
not read.  A message of 8-bit data carries ``Coding: 8bit`` and its body is hexadecimal.
A final line break (editors add one) is not part of the text.  ``Broadcast: <message id>``
instead of ``To`` makes it a cell broadcast message to every modem (its text in up to 15
pages; ``From`` is not used).  Sans-IO: text in, values
out.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

#: The sender of an inbox message whose file names none.
DEFAULT_SENDER = "atsim"
HEADERS = ("from", "to", "date", "coding", "broadcast")


class MessageFileError(ValueError):
    """A file that is not a message file (the reason is the text)."""


@dataclasses.dataclass(frozen=True)
class MessageFile:
    recipient: str
    sender: str = DEFAULT_SENDER
    body: str | bytes = ""
    date: datetime | None = None
    #: The cell broadcast message identifier (23.041 §9.4.1.2.2) of a broadcast; None for
    #: a short message.
    broadcast: int | None = None

    def render(self) -> str:
        lines = [f"From: {self.sender}", f"To: {self.recipient}"]
        if self.date is not None:
            lines.append(f"Date: {self.date.isoformat()}")
        body = self.body
        if isinstance(body, bytes):
            lines.append("Coding: 8bit")
            body = body.hex().upper()
        return "\n".join(lines) + "\n\n" + body


def parse(text: str) -> MessageFile:
    """A message file's content.  Raises MessageFileError for anything else."""
    head, separator, body = text.replace("\r\n", "\n").partition("\n\n")
    if not separator:
        head, body = text.rstrip("\n"), ""
    fields: dict[str, str] = {}
    for line in head.split("\n"):
        name, colon, value = line.partition(":")
        key = name.strip().lower()
        if not colon or key not in HEADERS:
            raise MessageFileError(f"{line!r} is not one of the headers "
                                   f"{', '.join(h.capitalize() for h in HEADERS)}")
        if key in fields:
            raise MessageFileError(f"{name.strip()} is given twice")
        fields[key] = value.strip()
    broadcast = None
    if "broadcast" in fields:
        text = fields["broadcast"]
        if not text.isdigit() or int(text) > 0xFFFF:
            raise MessageFileError("Broadcast: needs a message identifier 0-65535")
        if "to" in fields:
            raise MessageFileError("a message file has To: or Broadcast:, not both")
        broadcast = int(text)
    elif not fields.get("to"):
        raise MessageFileError("a message file needs a To: header")
    sender = fields.get("from") or DEFAULT_SENDER
    # The line break an editor puts at the end of a file is not part of the message.
    payload: str | bytes = body[:-1] if body.endswith("\n") else body
    coding = fields.get("coding", "text").lower()
    if coding == "8bit":
        try:
            payload = bytes.fromhex(body.strip())
        except ValueError:
            raise MessageFileError("Coding: 8bit needs a hexadecimal body") from None
    elif coding != "text":
        raise MessageFileError(f"Coding: {coding!r} is not text or 8bit")
    if broadcast is not None and not isinstance(payload, str):
        raise MessageFileError("a cell broadcast message is text")
    return MessageFile(fields.get("to", ""), sender, payload, broadcast=broadcast)
