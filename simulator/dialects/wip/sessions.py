"""WIP's FTP, HTTP, SMTP and POP3 sessions (``+WIPCREATE=4..7``) over atsim's application
clients (``simulator.ipstack.apps``), and what each does for ``+WIPFILE`` and ``+WIPOPT``.

"Only one FTP/HTTP/SMTP/POP3 session at a time is available" (001 §5.1.1).  An FTP session
answers ``OK`` once logged in (it has no URC, 001 §5.1.7); HTTP, SMTP and POP3 answer ``OK``,
then ``+WIPREADY: <mode>,<idx>`` once connected and authenticated (001 §9.5-§9.7), or an
unsolicited error.  A session the server or the network ends shows ``+WIPPEERCLOSE``.

A session works with a socket's ``SocketContext``, not the service.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from twisted.internet import defer

from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.sockets import WipSocket
from simulator.ipstack.apps import (
    AppError,
    AppFailure,
    BearerEndpoints,
    Closed,
    FtpSession,
    HttpSession,
    Pop3Session,
    SmtpSession,
)

if TYPE_CHECKING:
    from simulator.dialects.wip.sockets import SocketContext

#: Why opening a session failed -> +WIPCREATE codes (001 §5.1.5); anything about reaching
#: the server is 842 like a socket's.
OPEN_CODES = {
    AppFailure.USER_REJECTED: Code.USERNAME_REJECTED,
    AppFailure.PASSWORD_REJECTED: Code.PASSWORD_REJECTED,
    AppFailure.AUTH_FAILED: Code.AUTHENTICATION_ERROR,
    AppFailure.SERVER_NOT_READY: Code.SERVER_NOT_READY,
    AppFailure.CONNECTION_LOST: Code.SERVER_NOT_READY,
    AppFailure.PROTOCOL_ERROR: Code.PROTOCOL_ERROR,
}
#: Why a +WIPFILE transfer failed -> its code (001 §6.1.7); the rest is 860.
FILE_CODES = {
    AppFailure.SENDER_REJECTED: Code.SMTP_SENDER_REJECTED,
    AppFailure.RECIPIENT_REJECTED: Code.SMTP_RECIPIENT_REJECTED,
    AppFailure.CC_REJECTED: Code.SMTP_CC_REJECTED,
    AppFailure.BCC_REJECTED: Code.SMTP_BCC_REJECTED,
    AppFailure.BODY_REJECTED: Code.SMTP_BODY_REJECTED,
}
DOWNLOAD, UPLOAD, DELETE, POST = 1, 2, 3, 4


def open_code(error: AppError) -> int:
    return OPEN_CODES.get(error.reason, Code.HOST_UNREACHABLE)


def file_code(protocol: int, error: AppError) -> int:
    if protocol == so.POP3 and error.reason is AppFailure.NOT_FOUND:
        return Code.POP3_RETRIEVE_ERROR
    return FILE_CODES.get(error.reason, Code.PROTOCOL_ERROR)


@dataclasses.dataclass
class FileJob:
    """What a session starts for one ``+WIPFILE``: the transfer, whether the host writes
    (upload) or reads it, and the URC to show after ``OK`` (HTTP's status)."""

    transfer: Any
    upload: bool
    status_urc: Any = None  # callable(transfer outcome) -> str | None
    #: After an upload, the response body goes to the host too (HTTP POST, D50).
    reply_body: bool = False


class WipSession(WipSocket):
    """What the four sessions share."""

    ready = True

    def __init__(self, context: SocketContext, index: int, bearer: Any) -> None:
        super().__init__(context, index)
        self.endpoints = BearerEndpoints(bearer)
        self.transfer: Any = None  # the +WIPFILE in progress
        self.client: Any = None

    def open(self) -> defer.Deferred | None:
        """Connect and log in.  FTP: a Deferred the command waits for.  The others: OK at
        once, +WIPREADY (or an unsolicited error) later."""
        d = self.client.open()
        d.addCallbacks(lambda _: self.urc(f"+WIPREADY: {self.protocol},{self.index}"),
                       self._open_failed)
        return None

    def _open_failed(self, failure) -> None:
        failure.trap(AppError)
        if self.closed:
            return
        self.context.table.forget(self)
        self.context.urc.unsolicited_error(open_code(failure.value))

    def _event(self, event) -> None:
        if isinstance(event, Closed) and event.error is not None and not self.closed \
                and self.context.table.get(self.key) is self and self.client.is_open:
            self.context.table.forget(self)
            self.urc(f"+WIPPEERCLOSE: {self.protocol},{self.index}")

    def start_file(self, mode: int, args: list[str]) -> FileJob:
        raise WipError(Code.INVALID_OPTION)

    def close(self) -> defer.Deferred:
        """QUIT; fires once the session is gone."""
        self.closed = True
        if self.transfer is not None:
            self.transfer.close()
        return self.client.close()


class WipFtp(WipSession):
    protocol = so.FTP

    def __init__(self, context: SocketContext, index: int, bearer: Any, host: str, port: int,
                 user: str, password: str, account: str | None) -> None:
        super().__init__(context, index, bearer)
        self.client = FtpSession(
            self.endpoints, host, port, user, password, account=account,
            passive=bool(self.values[so.FTP_PASSIVE.number]),
            binary=bool(self.values[so.FTP_TYPE.number]), listener=self._event)

    def open(self) -> defer.Deferred:
        def failed(failure):
            failure.trap(AppError)
            raise WipError(open_code(failure.value))

        return self.client.open().addCallbacks(lambda _: None, failed)

    def set_option(self, number: int, value: Any) -> Any:
        super().set_option(number, value)
        if number == so.FTP_PASSIVE.number:
            self.client.passive = bool(value)
        elif number == so.FTP_TYPE.number:
            return self.client.set_binary(bool(value)).addCallbacks(
                lambda _: None, _protocol_failure)
        return None

    def start_file(self, mode: int, args: list[str]) -> FileJob:
        if mode not in (DOWNLOAD, UPLOAD) or len(args) != 1:
            raise WipError(Code.INVALID_OPTION)  # "not supported by FTP" (001 §6.1.5)
        name = args[0]
        if mode == DOWNLOAD:
            return FileJob(self.client.get(name), upload=False)
        return FileJob(self.client.put(name), upload=True)


class WipHttp(WipSession):
    """An HTTP "session" is a configuration: the proxy, its credentials, headers; each
    +WIPFILE makes its own request (001 §5.1.3: "for HTTP it is proxy server address")."""

    protocol = so.HTTP

    def __init__(self, context: SocketContext, index: int, bearer: Any,
                 proxy: tuple[str, int] | None, credentials: tuple[str, str] | None,
                 headers: list[tuple[str, str]]) -> None:
        super().__init__(context, index, bearer)
        self.client = HttpSession(
            self.endpoints, proxy=proxy, proxy_credentials=credentials, headers=headers,
            max_redirects=int(self.values[so.HTTP_MAXREDIRECT.number]))

    def open(self) -> None:
        # Nothing to connect to before the first request: ready at once.
        self.context.clock.callLater(
            0, lambda: None if self.closed else self.urc(f"+WIPREADY: {so.HTTP},{self.index}"))
        return None

    def set_option(self, number: int, value: Any) -> Any:
        super().set_option(number, value)
        if number == so.HTTP_MAXREDIRECT.number:
            self.client.max_redirects = int(value)
        return None

    def start_file(self, mode: int, args: list[str]) -> FileJob:
        if mode not in (DOWNLOAD, UPLOAD, DELETE, POST) or not args:
            raise WipError(Code.INVALID_OPTION)
        url, rest = args[0], list(args[1:])
        credentials = None
        if len(rest) >= 2 and (rest[0] or rest[1]):
            credentials, rest = (rest[0], rest[1]), rest[2:]
        elif len(rest) >= 2:
            rest = rest[2:]
        headers = header_pairs(rest)
        method = {DOWNLOAD: "GET", UPLOAD: "PUT", DELETE: "DELETE", POST: "POST"}[mode]
        upload = mode in (UPLOAD, POST)
        transfer = self.client.request(method, url, headers=headers, credentials=credentials,
                                       body=upload)

        def urc(outcome) -> str | None:
            reply = getattr(outcome, "reply", None)
            if reply is None or reply.code is None:
                return None
            reason = reply.text.split(" ", 2)[2] if reply.text.count(" ") >= 2 else ""
            return f'+WIPFILE: {so.HTTP},{self.index},{mode},{reply.code},"{reason}"'

        return FileJob(transfer, upload=upload, status_urc=urc, reply_body=mode == POST)

    def close(self) -> defer.Deferred:
        self.closed = True
        if self.transfer is not None:
            self.transfer.close()
        return defer.succeed(None)


class WipSmtp(WipSession):
    protocol = so.SMTP

    def __init__(self, context: SocketContext, index: int, bearer: Any, host: str, port: int,
                 user: str | None, password: str | None) -> None:
        super().__init__(context, index, bearer)
        self.client = SmtpSession(self.endpoints, host, port, user, password,
                                  listener=self._event)

    def option_value(self, number: int) -> Any:
        if number == so.SMTP_STATUS_CODE.number:
            return _status(self.client.last_reply)
        return super().option_value(number)

    def start_file(self, mode: int, args: list[str]) -> FileJob:
        if mode != UPLOAD or args:
            raise WipError(Code.INVALID_OPTION)  # SMTP only sends (001 §6.1.5)
        to = _addresses(self.values[so.SMTP_REC.number])
        cc = _addresses(self.values[so.SMTP_CC_REC.number])
        bcc = _addresses(self.values[so.SMTP_BCC_REC.number])
        if not (to or cc or bcc):
            raise WipError(Code.SMTP_RECIPIENT_REJECTED)
        transfer = self.client.send(
            str(self.values[so.SMTP_SENDER.number]), to, cc, bcc,
            subject=str(self.values[so.SMTP_SUBJ.number]) or None,
            sender_name=str(self.values[so.SMTP_SENDERNAME.number]) or None,
            header=bool(self.values[so.SMTP_FORMAT_HEADER.number]))
        return FileJob(transfer, upload=True)


class WipPop3(WipSession):
    protocol = so.POP3

    def __init__(self, context: SocketContext, index: int, bearer: Any, host: str, port: int,
                 user: str | None, password: str | None) -> None:
        super().__init__(context, index, bearer)
        self.client = Pop3Session(self.endpoints, host, port, user or "", password or "",
                                  listener=self._event)

    def option_value(self, number: int) -> Any:
        client = self.client
        if number == so.POP3_STATUS_CODE.number:
            return _status(client.last_reply)
        if number == so.POP3_NB_MAILS.number:
            return client.stat().addCallbacks(lambda s: s.count, _list_failure)
        if number == so.POP3_MAILSIZE.number:
            return client.stat().addCallbacks(lambda s: s.size, _list_failure)
        if number == so.POP3_LIST.number:
            return client.list().addCallbacks(
                lambda infos: [f"{i.number},{i.size}" for i in infos], _list_failure)
        return super().option_value(number)

    def set_option(self, number: int, value: Any) -> Any:
        if number == so.POP3_DELETE.number:
            # 001 §5.3.6: "AT+WISOPT=7,1,2,74,10" answers "+WISOPT: 7,74,10" then OK (D48).
            return self.client.delete(int(value)).addCallbacks(
                lambda _: value, _delete_failure)
        return super().set_option(number, value)

    def start_file(self, mode: int, args: list[str]) -> FileJob:
        if mode not in (DOWNLOAD, DELETE) or len(args) != 1:
            raise WipError(Code.INVALID_OPTION)  # POP3 only retrieves (001 §6.1.5)
        mail = args[0].strip()
        if not mail.isdigit() or int(mail) == 0:
            raise WipError(Code.POP3_RETRIEVE_ERROR)
        transfer = self.client.retrieve(int(mail), delete=mode == DELETE)
        return FileJob(transfer, upload=False)


def header_pairs(fields: list[str]) -> list[tuple[str, str]]:
    """HTTP header fields as name, value pairs.  The manual's examples put an empty field
    between a name and its value ("User-Agent", ,"WIP-HTTP-Client/1.0", 001 §5.1.6): empty
    fields are left out before pairing (D49)."""
    strings = [f for f in fields if f.strip()]
    if len(strings) % 2:
        raise WipError(Code.INVALID_OPTION_VALUE)
    return [(strings[i], strings[i + 1].strip()) for i in range(0, len(strings), 2)]


def _addresses(text: Any) -> list[str]:
    """"rec01@mail.com, rec02@mail.com" (001 §9.6) -> the addresses."""
    return [a.strip() for a in str(text or "").split(",") if a.strip()]


def _status(reply) -> tuple[int, str]:
    """Options 60 and 70: the last reply's code and text (0 and "" before any)."""
    if reply is None:
        return (0, "")
    return (reply.code if reply.code is not None else 0, reply.text)


def _protocol_failure(failure):
    failure.trap(AppError)
    raise WipError(Code.PROTOCOL_ERROR)


def _list_failure(failure):
    failure.trap(AppError)
    raise WipError(Code.LIST_ERROR)


def _delete_failure(failure):
    failure.trap(AppError)
    raise WipError(Code.DELETE_ERROR)
