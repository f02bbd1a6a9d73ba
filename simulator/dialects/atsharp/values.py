"""The kinds of value an AT# parameter holds (002 §2.1-§7.1, GenPro §2.1-§4.1), each
reading what the host typed and showing what is stored.  Sans-IO: no modem, no store.

A value may be typed quoted or not (002 A.6.1 ``AT#REC1=recipient@domain.com``, A.8
``AT#TCPPORT=1,"23"``); unquoted text keeps the case it was typed in.  Anything a kind does
not accept raises :class:`BadValue` (the dialect answers its bad-value code: eDsoft
``#CME ERROR: 34882``, decision E6 of docs/dialects/edsoft.md; GenPro 36929, G3).
"""

from __future__ import annotations

import dataclasses
import ipaddress

from simulator.at.params import parse_number


class BadValue(ValueError):
    """The value is of the wrong type, out of range or too long."""


@dataclasses.dataclass(frozen=True)
class Number:
    """An integer ``lo``-``hi`` (and ``extra`` values outside it), a multiple of ``step``."""

    lo: int
    hi: int
    step: int = 1
    extra: frozenset[int] = frozenset()
    #: Values inside lo-hi that are refused (PPPMODE 5-8).
    excluded: frozenset[int] = frozenset()

    def read(self, text: str) -> int:
        value = parse_number(text)
        if value is None:
            raise BadValue(text)
        if value in self.extra:
            return value
        if not self.lo <= value <= self.hi or value % self.step or value in self.excluded:
            raise BadValue(text)
        return value

    def accepts(self, value: object) -> bool:
        try:
            return isinstance(value, int) and self.read(str(value)) == value
        except BadValue:
            return False

    def show(self, value: int) -> str:
        return str(value)


@dataclasses.dataclass(frozen=True)
class Text:
    """A string of at most ``maxlen`` characters, printable ASCII (or only ``chars``);
    ``line_breaks``: CR and LF too (a mail body typed over several lines)."""

    maxlen: int
    chars: frozenset[str] | None = None
    line_breaks: bool = False

    def read(self, text: str) -> str:
        allowed = "\r\n" if self.line_breaks else ""
        if len(text) > self.maxlen or not all(" " <= ch <= "~" or ch in allowed
                                              for ch in text):
            raise BadValue(text)
        if self.chars is not None and not set(text) <= self.chars:
            raise BadValue(text)
        return text

    def accepts(self, value: object) -> bool:
        try:
            return isinstance(value, str) and self.read(value) == value
        except BadValue:
            return False

    def show(self, value: str) -> str:
        return f'"{value}"'


@dataclasses.dataclass(frozen=True)
class Ipv4(Text):
    """A dotted-decimal IPv4 address (PPPMYIP, PPPPEERIP, DNSSERV1/2)."""

    maxlen: int = 15

    def read(self, text: str) -> str:
        try:
            return str(ipaddress.IPv4Address(super().read(text)))
        except ipaddress.AddressValueError:
            raise BadValue(text) from None


@dataclasses.dataclass(frozen=True)
class Letter:
    """One of a few letters (FTPTYPE: ``A`` or ``I``), typed in either case, stored upper."""

    letters: str

    def read(self, text: str) -> str:
        if len(text) != 1 or text.upper() not in self.letters:
            raise BadValue(text)
        return text.upper()

    def accepts(self, value: object) -> bool:
        return isinstance(value, str) and len(value) == 1 and value in self.letters

    def show(self, value: str) -> str:
        return value


@dataclasses.dataclass(frozen=True)
class AddressList(Text):
    """RECi / CCRECi: up to ``count`` e-mail addresses of ``maxlen`` characters each (002
    §3.1.5), kept joined by commas (decision E19)."""

    maxlen: int = 120
    count: int = 10

    def read(self, text: str) -> str:
        addresses = text.split(",")
        if len(addresses) > self.count:
            raise BadValue(text)
        return ",".join(super(AddressList, self).read(a) for a in addresses)

    def join(self, addresses: list[str]) -> str:
        """The first ``count`` addresses (002 §3.1.5 NOTE2: the 11th and later are
        ignored), each checked."""
        return self.read(",".join(addresses[: self.count]))


Kind = Number | Text | Ipv4 | Letter | AddressList

#: Dial digits of a phone number (DIALN1/DIALN2: "Decimal phone numbers", 002 §2.1.8).
DIAL_CHARS = frozenset("0123456789+*#")
#: A 16-bit port number (002 §3.1.9, §3.1.13, §4.1.1, §5.1.2: "above 65,535 are illegal").
PORT = Number(0, 65535)
#: TCPTXDELAY / UDPTXDELAY: milliseconds, a multiple of 20 up to 32760 (002 §5.1.4, §6.1.3).
TX_DELAY = Number(0, 32760, step=20)
