"""WIP's FTP session (``+WIPCREATE=4``) over atsim's FTP client (``simulator.ipstack.apps``).

"The +WIPCREATE command causes the connection and authentication to the FTP server. If
several file uploads and retrievals are required to/from the same server, a single
connection with +WIPCREATE is needed. Then, each file operation will be done (one +WIPFILE
command per operation), and the FTP connection will be released with +WIPCLOSE." (001
§5.1.7)  Only one FTP/HTTP/SMTP/POP3 session exists at a time (001 §5.1.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twisted.internet import defer

from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.sockets import WipSocket
from simulator.ipstack.apps import AppError, AppFailure, BearerEndpoints, Closed, FtpSession

if TYPE_CHECKING:
    from simulator.dialects.wip.service import WipService

#: Why opening a session failed (simulator.ipstack.apps) -> +WIPCREATE codes (001 §5.1.5).
OPEN_CODES = {
    AppFailure.USER_REJECTED: Code.USERNAME_REJECTED,
    AppFailure.PASSWORD_REJECTED: Code.PASSWORD_REJECTED,
    AppFailure.AUTH_FAILED: Code.AUTHENTICATION_ERROR,
    AppFailure.SERVER_NOT_READY: Code.SERVER_NOT_READY,
    AppFailure.PROTOCOL_ERROR: Code.PROTOCOL_ERROR,
    AppFailure.CONNECTION_LOST: Code.SERVER_NOT_READY,
}


def open_code(error: AppError) -> int:
    """Network failures (no route, refused, no answer) are 842 like a socket's."""
    return OPEN_CODES.get(error.reason, Code.HOST_UNREACHABLE)


class WipFtp(WipSocket):
    protocol = so.FTP
    ready = True

    def __init__(self, wip: WipService, index: int, bearer: Any, host: str, port: int,
                 user: str, password: str, account: str | None) -> None:
        super().__init__(wip, index)
        self.session = FtpSession(
            BearerEndpoints(bearer), host, port, user, password, account=account,
            passive=bool(self.values[so.FTP_PASSIVE.number]),
            binary=bool(self.values[so.FTP_TYPE.number]), listener=self._event)
        self.transfer: Any = None  # the +WIPFILE in progress

    def open(self) -> defer.Deferred:
        def failed(failure):
            failure.trap(AppError)
            raise WipError(open_code(failure.value))

        return self.session.open().addCallbacks(lambda _: None, failed)

    def _event(self, event) -> None:
        if isinstance(event, Closed) and not self.closed:
            # The server or the network ended the session.
            self.wip.forget(self)
            self.urc(f"+WIPPEERCLOSE: {self.protocol},{self.index}")

    def set_option(self, number: int, value: Any) -> Any:
        super().set_option(number, value)
        if number == so.FTP_PASSIVE.number:
            self.session.passive = bool(value)
        elif number == so.FTP_TYPE.number:
            d = self.session.set_binary(bool(value))
            return d.addCallbacks(lambda _: None, _protocol_failure)
        return None

    def close(self) -> defer.Deferred:
        """QUIT; fires once the session is gone."""
        self.closed = True
        if self.transfer is not None:
            self.transfer.close()
        return self.session.close()


def _protocol_failure(failure):
    failure.trap(AppError)
    raise WipError(Code.PROTOCOL_ERROR)
