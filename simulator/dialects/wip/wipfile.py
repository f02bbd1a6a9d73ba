"""``+WIPFILE``: move a file through the session (001 §6.1, 000 §7.1).  FTP only for now.

    AT+WIPFILE=4,<idx>,1,<filename>   download: CONNECT, the file DLE-escaped, an ETX, OK
    AT+WIPFILE=4,<idx>,2,<filename>   upload: CONNECT, the host's bytes up to a lone ETX, OK

The escaping is the one of continuous mode (001 §6.1.2, §6.1.3; ``codec``).  ``CONNECT``
comes when the server has accepted the transfer (FTP 150), so a missing file answers an
error instead.  ``+++`` abandons the transfer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twisted.internet import defer

from simulator.at.commands import Connect, ResultCode
from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.codec import END_MARK, END_OF_DATA, StreamDecoder, escape
from simulator.dialects.wip.datamode import error_result
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.indexes import SESSION_INDEXES
from simulator.dialects.wip.params import WipParams
from simulator.ipstack.apps import DataAvailable, Failed, Finished, Opened, Writable

if TYPE_CHECKING:
    from simulator.dialects.wip.service import WipService

DOWNLOAD, UPLOAD = 1, 2
#: "The maximum file length is limited to 128 characters" (001 §6.1.5).
MAX_FILENAME = 128
SESSIONS = (so.FTP, so.HTTP, so.SMTP, so.POP3)


class WipFile:
    name = "+WIPFILE"

    def __init__(self, wip: WipService) -> None:
        self.wip = wip

    def handlers(self) -> dict:
        return {"set": self.set, "read": lambda call: None, "test": lambda call: None}

    def set(self, call):
        p = WipParams(call.command.params)
        p.count(3, 64)
        protocol, index, mode = p.number(0), p.number(1), p.number(2)
        if protocol not in SESSIONS or protocol not in self.wip.revision.protocols:
            raise WipError(Code.BAD_PROTOCOL)
        if index not in SESSION_INDEXES:
            raise WipError(Code.BAD_INDEX)
        if not self.wip.stack.started:
            raise WipError(Code.BAD_STACK_STATE)
        if protocol != so.FTP:
            raise WipError(Code.NOT_IMPLEMENTED)
        p.count(4, 4)
        if mode not in (DOWNLOAD, UPLOAD):
            raise WipError(Code.INVALID_OPTION)  # "not supported by FTP" (001 §6.1.5)
        filename = p.text(3, maxlen=MAX_FILENAME, code=Code.INVALID_OPTION_VALUE)
        session = self.wip.sockets.get((protocol, index))
        if session is None or session.transfer is not None:
            raise WipError(Code.BAD_STATE)
        ftp = session.session
        transfer = ftp.get(filename) if mode == DOWNLOAD else ftp.put(filename)
        sink = FileSink(session, transfer, upload=mode == UPLOAD, session_vars=call.session)
        return sink.started


class FileSink:
    """The port in data mode for one transfer."""

    def __init__(self, session: Any, transfer: Any, *, upload: bool, session_vars: Any) -> None:
        self.session = session
        self.transfer = transfer
        self.upload = upload
        self.at_session = session_vars
        self.link: Any = None
        self._decoder = StreamDecoder()
        self._pending = bytearray()  # host bytes the transfer could not take yet
        self._finishing = False
        self.started: defer.Deferred = defer.Deferred()
        session.transfer = transfer
        transfer.listener = self._event

    # -- the transfer ---------------------------------------------------------------------

    def _event(self, event) -> None:
        if isinstance(event, Opened):
            if not self.started.called:
                self.started.callback(Connect(self))
        elif isinstance(event, DataAvailable):
            self._deliver()
        elif isinstance(event, Writable):
            self._push()
        elif isinstance(event, Finished):
            self._done(ResultCode.OK)
        elif isinstance(event, Failed):
            if not self.started.called:
                self._release()
                self.started.errback(WipError(Code.PROTOCOL_ERROR))
            else:
                self._done(error_result(self.at_session, Code.PROTOCOL_ERROR))

    def _deliver(self) -> None:
        if self.link is not None:
            data = self.transfer.read()
            if data:
                self.link.write(escape(data))

    def _done(self, result: Any) -> None:
        self._release()
        if self.link is None:
            return
        if not self.upload:
            self._deliver()
            self.link.write(END_MARK)  # "The end of the file is marked by [ETX]"
        self.link.end(result)

    def _release(self) -> None:
        if self.session.transfer is self.transfer:
            self.session.transfer = None

    # -- DataSink -------------------------------------------------------------------------

    def attach(self, link: Any) -> None:
        self.link = link
        self._deliver()

    def data_received(self, data: bytes) -> None:
        if not self.upload or self._finishing:
            return  # a download takes nothing from the host; after the ETX, nothing more
        self._decoder.receive_data(data)
        for event in self._decoder.events():
            if event is END_OF_DATA:
                self._finishing = True
                break
            self._pending += event.payload
        self._push()

    def _push(self) -> None:
        if self.transfer.ended or self.transfer.closed:
            self._pending.clear()  # the server ended it: the result says so
            return
        if self._pending:
            taken = self.transfer.write(bytes(self._pending))
            del self._pending[:taken]
        if self._finishing and not self._pending:
            self.transfer.finish()

    def escaped(self) -> bool:
        self.transfer.close()
        self._release()
        return False

    def hangup(self) -> None:
        self.escaped()

    def resumed(self) -> None:
        pass
