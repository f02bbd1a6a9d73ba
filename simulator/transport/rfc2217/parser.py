"""The telnet byte layer: splits a stream into data, commands, negotiations and
subnegotiations.  It knows no option's meaning; ``server.ComPortServer`` does.

Any split of the same stream into ``feed`` calls yields the same tokens, apart from where a
run of data is cut into pieces.
"""

from __future__ import annotations

import dataclasses

from simulator.transport.rfc2217.constants import IAC, Telnet

#: Longest subnegotiation kept.  The longest legitimate one in RFC 2217 is a SIGNATURE text
#: (a product name); without a cap, a peer that sends ``IAC SB`` and never ``IAC SE`` would
#: grow this buffer for as long as it keeps sending.
MAX_SUBNEGOTIATION = 512

_NEGOTIATION_VERBS = frozenset({Telnet.WILL, Telnet.WONT, Telnet.DO, Telnet.DONT})


@dataclasses.dataclass(frozen=True)
class Data:
    data: bytes


@dataclasses.dataclass(frozen=True)
class Command:
    command: int


@dataclasses.dataclass(frozen=True)
class Negotiation:
    verb: int  # Telnet.WILL / WONT / DO / DONT
    option: int


@dataclasses.dataclass(frozen=True)
class Subnegotiation:
    option: int
    payload: bytes  # IAC IAC already undoubled


@dataclasses.dataclass(frozen=True)
class Malformed:
    reason: str
    raw: bytes


Token = Data | Command | Negotiation | Subnegotiation | Malformed

# Parser states.
_DATA = "data"
_IAC = "iac"  # after IAC
_VERB = "verb"  # after IAC WILL/WONT/DO/DONT: the option byte comes next
_SB = "sb"  # inside IAC SB ... collecting
_SB_IAC = "sb-iac"  # inside SB, after IAC


class TelnetParser:
    def __init__(self) -> None:
        self._state = _DATA
        self._verb = 0
        self._sb = bytearray()
        self._sb_overflow = False
        self._data = bytearray()
        self._tokens: list[Token] = []

    def feed(self, chunk: bytes) -> list[Token]:
        """Parse ``chunk`` and return the tokens it completed."""
        i = 0
        end = len(chunk)
        while i < end:
            if self._state == _DATA:
                # Fast path: copy the run up to the next IAC in one slice.
                j = chunk.find(IAC, i)
                if j < 0:
                    self._data += chunk[i:]
                    break
                self._data += chunk[i:j]
                self._state = _IAC
                i = j + 1
                continue
            self._step(chunk[i])
            i += 1
        self._flush_data()
        tokens, self._tokens = self._tokens, []
        return tokens

    # -- one byte at a time outside plain data -----------------------------------------------

    def _step(self, byte: int) -> None:
        state = self._state
        if state == _IAC:
            self._after_iac(byte)
        elif state == _VERB:
            self._emit(Negotiation(self._verb, byte))
            self._state = _DATA
        elif state == _SB:
            if byte == Telnet.IAC:
                self._state = _SB_IAC
            else:
                self._collect(byte)
        elif state == _SB_IAC:
            if byte == Telnet.IAC:
                self._collect(byte)
                self._state = _SB
            elif byte == Telnet.SE:
                self._end_subnegotiation()
                self._state = _DATA
            else:
                # IAC <command> inside a subnegotiation: the peer never closed it.  Drop what
                # was collected and read the command as if the SB had ended, so the stream
                # recovers instead of swallowing everything up to some later IAC SE.
                self._emit(Malformed("unterminated subnegotiation", self._sb_start()))
                self._reset_sb()
                self._after_iac(byte)

    def _after_iac(self, byte: int) -> None:
        if byte == Telnet.IAC:
            self._data.append(byte)
            self._state = _DATA
        elif byte in _NEGOTIATION_VERBS:
            self._verb = byte
            self._state = _VERB
        elif byte == Telnet.SB:
            self._reset_sb()
            self._state = _SB
        else:
            # SE outside a subnegotiation is meaningless; report it as a command like any
            # other and let the connection ignore it.
            self._emit(Command(byte))
            self._state = _DATA

    def _collect(self, byte: int) -> None:
        if len(self._sb) < MAX_SUBNEGOTIATION:
            self._sb.append(byte)
        else:
            self._sb_overflow = True

    def _end_subnegotiation(self) -> None:
        if self._sb_overflow:
            self._emit(
                Malformed(
                    f"subnegotiation longer than {MAX_SUBNEGOTIATION} bytes", self._sb_start()
                )
            )
        elif not self._sb:
            self._emit(Malformed("empty subnegotiation", bytes([Telnet.IAC, Telnet.SB])))
        else:
            self._emit(Subnegotiation(self._sb[0], bytes(self._sb[1:])))
        self._reset_sb()

    def _sb_start(self) -> bytes:
        return bytes([Telnet.IAC, Telnet.SB]) + bytes(self._sb[:16])

    def _reset_sb(self) -> None:
        self._sb = bytearray()
        self._sb_overflow = False

    # -- output -------------------------------------------------------------------------------

    def _emit(self, token: Token) -> None:
        self._flush_data()
        self._tokens.append(token)

    def _flush_data(self) -> None:
        if self._data:
            self._tokens.append(Data(bytes(self._data)))
            self._data = bytearray()
