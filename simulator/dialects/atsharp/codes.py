"""The AT# family's result texts as data: the information messages with their numeric forms
(002 §9.1) and the complete error table (002 §9.2; GenPro §9.2 is a subset with the
same codes and texts), and how the module words an error.

An error is the application's own final line ``#CME ERROR: <code>`` (``#``, one space),
shown whatever ``+CMEE`` says and with the same words under ``ATV0`` (decision E4).
"""

from __future__ import annotations

from simulator.at.commands import DialectError, ErrorFamily, ResultLine

#: Information messages (002 §9.1): verbose text -> numeric form (ATV0, decision E5).
INFO_MESSAGES: dict[str, int] = {
    "Ok_Info_DataBegin": 1025,
    "Ok_Info_WaitingForData": 1028,
    "Ok_Info_NoMail": 3072,
    "Ok_Info_Mail": 3073,
    "Ok_Info_SocketClosed": 3074,
    "Ok_Info_Ppp": 3077,
    "Ok_Info_GprsActivation": 3086,
}

# The codes the dialect raises by name.
UNKNOWN_COMMAND = 34817
SYNTAX_ERROR = 34819
EEPROM_WRITE_FAILED = 34824
COMMAND_TOO_LONG = 34881
BAD_ARGUMENT = 34882

#: 002 §9.2, texts as printed (the table's typos and its double space kept; its repeated
#: last two rows once).
ERRORS: dict[int, str] = {
    34817: "Bad command : Unknown command",
    34819: "Bad command : Syntax error",
    34824: "Bad command : EEPROM write failed",
    34881: "Bad command : Command to long",
    34882: "Bad command : Bad command argument value",
    35840: "Physical layer : Modem is already running",
    35841: "Physical layer : GPRS session lost.",
    35862: "Physical layer : Timeout, no activity on network connection",
    35865: "Physical layer : Module is not attached to the network",
    35866: "Physical layer : Invalid event during activation process",
    35867: "Physical layer : Physical layer connection is currently not active",
    35868: "Physical layer : GPRS connection aborted",
    35869: "Physical layer : Invalid incoming call type",
    35870: "Physical layer : Incoming call CLI not provided",
    35871: "IP Connectivity library:  SIM removed",
    36872: "IP Connectivity library internal error : internal resource unavailable.",
    36929: "IP Connectivity library : Bad parameter configuration attempt",
    37120: "IP Connectivity library : PPP negotiation failed (client configuration)",
    37121: "IP Connectivity library: PPP negotiation failed (server configuration)",
    37122: "IP Connectivity library: Another internal application is already running",
    37123: "IP Connectivity library: Service is running. Unable to set parameter",
    37952: "Distant : TCP session closed (TCP Context cancelled)",
    37964: "Distant : No response from server",
    37966: "Distant : TCP session closed by peer (FIN received from peer)",
    38016: "Distant : Open session attempt failed",
    38017: "Distant : Data send attempt failed",
    38018: "Distant : Close session attempt failed",
    38022: "Distant : Change Directory attempt failed",
    38023: "Distant : File deletion attempt failed",
    38024: "Distant : Data retrieve attempt failed",
    38025: "Distant : Email retrieve attempt failed",
    38026: "Distant : Email header receive failed",
    38027: "Distant : No answer from DNS servers or the domain name resolution could not be "
           "completed by the server.",
    38028: "Distant : Sender email address rejected by server",
    38029: "Distant : Recipient email address rejected by server",
    38030: "Distant : CC Recipient email address rejected by server",
    38031: "Distant : Email body send request rejected by server",
    38080: "Distant : Username rejected by server",
    38081: "Distant : Password rejected by server",
    38980: "IP Connectivity library: PPP timeout (client configuration)",
    38981: "IP Connectivity library: PPP timeout (server configuration)",
    49153: "Internal error : Open data flow request failed",
    49154: "Internal error : Close data flow request failed",
    49155: "Internal error : Open GPRS session request failed",
    49156: "Internal error : GPRS authentication failed",
    49157: "Internal error : GPRS get IPCP information request failed",
    49158: "Internal error : Open flow confirmation not received",
}

#: Codes outside the table: GenPro's ``#CME ERROR: 0`` for an FTP server name that does not
#: exist (GenPro §8).
OTHER_CODES = frozenset({0})



class AtSharpError(DialectError):
    """``#CME ERROR: <code>``: the application's own line, with its number whatever
    ``+CMEE`` says (no verbose texts: decision E4)."""

    family = ErrorFamily("#CME ERROR: ", follows_cmee=False)


class QuietRefused(DialectError):
    """What ``ATQ`` answers while the application runs (002 §1.2): "+", no space, code 600
    "Not allowed by embedded application"."""

    family = ErrorFamily("+CME ERROR:", follows_cmee=False)

    def __init__(self) -> None:
        super().__init__(600)


def error(code: int) -> AtSharpError:
    """The exception that ends a command with ``#CME ERROR: <code>``."""
    if code not in ERRORS and code not in OTHER_CODES:
        raise ValueError(f"{code} is not an AT# error code")
    return AtSharpError(code)


def info_message(name: str, verbose: bool) -> str:
    """An information message as ATV1 / ATV0 shows it."""
    return name if verbose else str(INFO_MESSAGES[name])


def info_result(name: str) -> ResultLine:
    """An information message that ends a command or starts data mode, as a result code:
    ``CR LF Ok_Info_… CR LF``, its number then CR under ``ATV0`` (E5)."""
    return ResultLine(name, INFO_MESSAGES[name])
