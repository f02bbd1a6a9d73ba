"""Telnet (RFC 854/855, 1143) and Com Port Control (RFC 2217) numbers, and the tables that
translate RFC 2217 codes to what the rest of atsim calls things."""

from __future__ import annotations

import enum


class Telnet(enum.IntEnum):
    """Telnet command bytes (each follows IAC)."""

    SE = 240  # end of subnegotiation
    NOP = 241
    DM = 242  # data mark
    BRK = 243  # break
    IP = 244  # interrupt process
    AO = 245  # abort output
    AYT = 246  # are you there
    EC = 247  # erase character
    EL = 248  # erase line
    GA = 249  # go ahead
    SB = 250  # begin subnegotiation
    WILL = 251
    WONT = 252
    DO = 253
    DONT = 254
    IAC = 255


IAC = bytes([Telnet.IAC])
CR = 0x0D
LF = 0x0A
NUL = 0x00


class Option(enum.IntEnum):
    """The telnet options this server has an opinion about."""

    BINARY = 0  # RFC 856
    ECHO = 1  # RFC 857
    SGA = 3  # suppress go-ahead, RFC 858
    COM_PORT = 44  # RFC 2217


class ComPort(enum.IntEnum):
    """RFC 2217 commands, client to access server.  The server answers with code + 100."""

    SIGNATURE = 0
    SET_BAUDRATE = 1
    SET_DATASIZE = 2
    SET_PARITY = 3
    SET_STOPSIZE = 4
    SET_CONTROL = 5
    NOTIFY_LINESTATE = 6
    NOTIFY_MODEMSTATE = 7
    FLOWCONTROL_SUSPEND = 8
    FLOWCONTROL_RESUME = 9
    SET_LINESTATE_MASK = 10
    SET_MODEMSTATE_MASK = 11
    PURGE_DATA = 12


#: Added to a client command code to make the server's answer or notification.
SERVER_OFFSET = 100


class ModemState(enum.IntFlag):
    """NOTIFY-MODEMSTATE bits (the 16550 MSR layout)."""

    CTS_DELTA = 0x01
    DSR_DELTA = 0x02
    RI_TRAILING_EDGE = 0x04
    DCD_DELTA = 0x08
    CTS = 0x10
    DSR = 0x20
    RI = 0x40
    DCD = 0x80


class LineState(enum.IntFlag):
    """NOTIFY-LINESTATE bits (the 16550 LSR layout)."""

    DATA_READY = 0x01
    OVERRUN_ERROR = 0x02
    PARITY_ERROR = 0x04
    FRAMING_ERROR = 0x08
    BREAK_DETECT = 0x10
    TRANSFER_HOLDING_EMPTY = 0x20
    TRANSFER_SHIFT_EMPTY = 0x40
    TIMEOUT_ERROR = 0x80


#: A simulated UART never has anything stuck in its transmitter.
IDLE_LINESTATE = LineState.TRANSFER_HOLDING_EMPTY | LineState.TRANSFER_SHIFT_EMPTY

#: RFC 2217 section 4: the masks' values at the start of a session.
INITIAL_LINESTATE_MASK = 0
INITIAL_MODEMSTATE_MASK = 0xFF

#: SET-PARITY values; 0 asks for the current one.
PARITY_BY_CODE = {1: "N", 2: "O", 3: "E", 4: "M", 5: "S"}
CODE_BY_PARITY = {name: code for code, name in PARITY_BY_CODE.items()}

#: SET-STOPSIZE values; 0 asks for the current one.
STOPBITS_BY_CODE = {1: 1, 2: 2, 3: 1.5}
CODE_BY_STOPBITS = {bits: code for code, bits in STOPBITS_BY_CODE.items()}

#: SET-DATASIZE: the sizes a UART can do; 0 asks for the current one.
DATASIZES = frozenset({5, 6, 7, 8})

#: SET-CONTROL values, by what they address.  Each group has one "request" value (answered
#: with the current setting) and the settings it can take.
CONTROL_OUTBOUND_FLOW = {1: "none", 2: "xonxoff", 3: "hardware", 17: "dcd", 19: "dsr"}
CONTROL_INBOUND_FLOW = {14: "none", 15: "xonxoff", 16: "hardware", 18: "dtr"}
CONTROL_BREAK = {5: True, 6: False}
CONTROL_DTR = {8: True, 9: False}
CONTROL_RTS = {11: True, 12: False}
CONTROL_REQUEST_OUTBOUND_FLOW = 0
CONTROL_REQUEST_BREAK = 4
CONTROL_REQUEST_DTR = 7
CONTROL_REQUEST_RTS = 10
CONTROL_REQUEST_INBOUND_FLOW = 13

#: PURGE-DATA values.  "Receive" and "transmit" are the access server's: it receives from the
#: serial port (here: the modem's output, on its way to the host) and transmits to it (the
#: host's input, on its way to the modem).
PURGE_RECEIVE = 1
PURGE_TRANSMIT = 2
PURGE_BOTH = 3
