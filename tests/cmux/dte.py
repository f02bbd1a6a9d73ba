"""A host-side (DTE) 27.010 multiplexer for the tests, written from the text of the standard
and sharing no code with ``simulator.cmux``: its own FCS (computed most significant bit
first on bit-reversed octets, unlike the modem's reflected table), its own framing and its
own parser.  When both agree on the wire, neither can hide the other's mistake.

Numbers are from 3GPP TS 27.010: §5.2.1 frame fields, §5.2.6 basic option, §5.2.7 advanced
option, §5.4.6 control messages.
"""

from __future__ import annotations

import dataclasses

BASIC, ADVANCED = "basic", "advanced"
FLAG = {BASIC: 0xF9, ADVANCED: 0x7E}

# §5.2.1.3 control field values, P/F bit clear.
SABM, UA, DM, DISC, UIH, UI = 0x2F, 0x63, 0x0F, 0x43, 0xEF, 0x03
PF = 0x10
NAMES = {SABM: "SABM", UA: "UA", DM: "DM", DISC: "DISC", UIH: "UIH", UI: "UI"}

# §5.4.6.3 message types: the type octet with EA = 1 and C/R = 0.
PN, PSC, CLD, TEST, FCON, FCOFF, MSC, NSC, RPN, RLS, SNC = (
    0x81, 0x41, 0xC1, 0x21, 0xA1, 0x61, 0xE1, 0x11, 0x91, 0x51, 0xD1)
CR = 0x02


def _reverse(octet: int) -> int:
    return int(f"{octet:08b}"[::-1], 2)


def fcs(octets: bytes) -> int:
    """§5.2.1.6: the CRC of x^8+x^2+x+1 as a textbook MSB-first register over the octets
    taken in transmission order (bit 1 first), preset to ones, complemented."""
    register = 0xFF
    for octet in octets:
        register ^= _reverse(octet)
        for _ in range(8):
            register = ((register << 1) ^ 0x07) & 0xFF if register & 0x80 else register << 1
    return 0xFF - _reverse(register)


@dataclasses.dataclass(frozen=True)
class Received:
    dlci: int
    cr: int
    control: int
    info: bytes
    #: False only from a lenient ``Parser``: the frame failed its FCS check.
    fcs_ok: bool = True

    @property
    def kind(self) -> int:
        return self.control & ~PF

    @property
    def pf(self) -> bool:
        return bool(self.control & PF)

    def __repr__(self) -> str:
        name = NAMES.get(self.kind, hex(self.control))
        return f"<{name}{'(PF)' if self.pf else ''} dlci={self.dlci} cr={self.cr} {self.info!r}>"


def frame(mode: str, dlci: int, control: int, info: bytes = b"", cr: int = 1,
          bad_fcs: bool = False, long_length: bool = False) -> bytes:
    """One frame as a host sends it (C/R = 1 for the initiator's commands)."""
    address = (dlci << 2) | (cr << 1) | 1
    header = bytes([address, control])
    if mode == BASIC:
        if len(info) > 127 or long_length:
            header += bytes([(len(info) & 0x7F) << 1, len(info) >> 7])
        else:
            header += bytes([(len(info) << 1) | 1])
    covered = header if control & ~PF == UIH else header + info
    check = fcs(covered) ^ (0x55 if bad_fcs else 0)
    body = header + info + bytes([check])
    if mode == ADVANCED:
        stuffed = bytearray()
        for octet in body:
            if octet in (0x7E, 0x7D):
                stuffed += bytes([0x7D, octet ^ 0x20])
            else:
                stuffed.append(octet)
        body = bytes(stuffed)
    return bytes([FLAG[mode]]) + body + bytes([FLAG[mode]])


def message(type_octet: int, values: bytes = b"", command: bool = True) -> bytes:
    """§5.4.6.1: type, length (one octet here), values."""
    assert len(values) < 128
    return bytes([type_octet | (CR if command else 0), (len(values) << 1) | 1]) + values


def parse_messages(info: bytes) -> list[tuple[int, bool, bytes]]:
    """(type octet with C/R cleared, is_command, values) for each message."""
    out = []
    i = 0
    while i + 2 <= len(info):
        type_octet, length = info[i], info[i + 1] >> 1
        out.append((type_octet & ~CR, bool(type_octet & CR), info[i + 2 : i + 2 + length]))
        i += 2 + length
    return out


def msc_values(dlci: int, dtr: bool = True, rts: bool = True, fc: bool = False) -> bytes:
    """§5.4.6.3.7 from the DTE: DLCI octet, signals (RTC = DTR, RTR = RTS)."""
    signals = 1 | (0x02 if fc else 0) | (0x04 if dtr else 0) | (0x08 if rts else 0)
    return bytes([(dlci << 2) | 0x03, signals])


def modem_signals(octet: int) -> dict[str, bool]:
    """The DCE's MSC signals octet by 27.010's names for the DCE -> DTE direction."""
    return {"fc": bool(octet & 0x02), "dsr": bool(octet & 0x04), "cts": bool(octet & 0x08),
            "ri": bool(octet & 0x40), "dcd": bool(octet & 0x80)}


class Parser:
    """Frames the modem sends, from any split of its output.  Strict: a frame that does
    not check out is an error in the modem, so it raises."""

    def __init__(self, mode: str, strict: bool = True) -> None:
        self.mode = mode
        self.buffer = bytearray()
        #: Lenient: a frame failing its FCS is returned with ``fcs_ok`` False, as a host
        #: would see and discard it (for tests of injected faults).
        self.strict = strict

    def feed(self, data: bytes) -> list[Received]:
        self.buffer += data
        frames = []
        while True:
            item = self._one()
            if item is None:
                return frames
            frames.append(item)

    def _one(self) -> Received | None:
        flag = FLAG[self.mode]
        buf = self.buffer
        while buf and buf[0] == flag and (len(buf) < 2 or buf[1] == flag):
            if len(buf) < 2:
                return None
            del buf[0]
        if not buf:
            return None
        if buf[0] != flag:
            raise AssertionError(f"modem sent octets outside a frame: {bytes(buf)!r}")
        if self.mode == ADVANCED:
            end = buf.find(flag, 1)
            if end < 0:
                return None
            raw = bytes(buf[1:end])
            del buf[:end + 1]
            body = bytearray()
            escaped = False
            for octet in raw:
                if escaped:
                    body.append(octet ^ 0x20)
                    escaped = False
                elif octet == 0x7D:
                    escaped = True
                else:
                    body.append(octet)
            assert not escaped
            address, control, info, check = body[0], body[1], bytes(body[2:-1]), body[-1]
            header = bytes(body[:2])
        else:
            if len(buf) < 4:
                return None
            address, control, length_octet = buf[1], buf[2], buf[3]
            if length_octet & 1:
                length, header_len = length_octet >> 1, 3
            else:
                if len(buf) < 5:
                    return None
                length, header_len = (length_octet >> 1) | (buf[4] << 7), 4
            total = 1 + header_len + length + 2
            if len(buf) < total:
                return None
            header = bytes(buf[1 : 1 + header_len])
            info = bytes(buf[1 + header_len : 1 + header_len + length])
            check = buf[1 + header_len + length]
            assert buf[total - 1] == flag, f"no closing flag in {bytes(buf[:total])!r}"
            del buf[:total]
        covered = header if control & ~PF == UIH else header + info
        fcs_ok = check == fcs(covered)
        assert fcs_ok or not self.strict, f"bad FCS from the modem: {check:#x}"
        assert address & 1, "address EA must be 1"
        return Received(address >> 2, (address >> 1) & 1, control, info, fcs_ok)
