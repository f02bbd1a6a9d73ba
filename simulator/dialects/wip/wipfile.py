"""``+WIPFILE``: move a file, a document or a mail through the session (001 §6.1, 000 §7.1).

    AT+WIPFILE=4,<idx>,1|2,<filename>                     FTP download / upload
    AT+WIPFILE=5,<idx>,1|2|3|4,<url>[,<user>,<password>][,<name>,<value>...]
                                                          HTTP GET / PUT / DELETE / POST
    AT+WIPFILE=6,<idx>,2                                  SMTP: send a mail
    AT+WIPFILE=7,<idx>,1|3,<mail id>                      POP3: retrieve (and delete)

A download answers CONNECT, the data DLE-escaped, an ETX, OK; an upload answers CONNECT,
takes the host's bytes up to a lone ETX, and OK.  HTTP adds ``+WIPFILE: 5,...`` with the
status after the OK.  What the session does for each mode is in ``sessions``.

The escaping is the one of continuous mode (001 §6.1.2, §6.1.3; ``simulator.datamode.dle``).
``CONNECT`` comes when the server has accepted the transfer (FTP 150), so a missing file answers an
error instead.  ``+++`` abandons the transfer.
"""

from __future__ import annotations

from typing import Any

from twisted.internet import defer

from simulator.at.commands import AtError, Connect, ResultCode
from simulator.datamode.dle import END_MARK, END_OF_DATA, StreamDecoder, escape
from simulator.datamode.feed import TransferFeed
from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.command import WipCommand
from simulator.dialects.wip.datamode import error_result
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.indexes import SESSION_INDEXES
from simulator.dialects.wip.sessions import file_code
from simulator.ipstack.apps import DataAvailable, Failed, Finished, Opened, Writable

DOWNLOAD, UPLOAD = 1, 2
#: "The maximum file length is limited to 128 characters" (001 §6.1.5).
MAX_FILENAME = 128
SESSIONS = (so.FTP, so.HTTP, so.SMTP, so.POP3)


class WipFile(WipCommand):
    name = "+WIPFILE"
    forms = ("set", "read", "test")

    def set(self, call):
        p = self.params(call)
        p.count(3, 64)
        protocol, index, mode = p.int(0), p.int(1), p.int(2)
        if protocol not in SESSIONS or protocol not in self.revision.protocols:
            raise WipError(Code.BAD_PROTOCOL)
        if index not in SESSION_INDEXES:
            raise WipError(Code.BAD_INDEX)
        if not self.stack.started:
            raise WipError(Code.BAD_STACK_STATE)
        args = [p.str(i) if p.present(i) else "" for i in range(3, len(p))]
        if protocol == so.FTP and args and len(args[0]) > MAX_FILENAME:
            raise WipError(Code.INVALID_OPTION_VALUE)
        if protocol != so.SMTP and not args:
            raise AtError("the file, URL or mail id is missing")
        session = self.context.sockets.get((protocol, index))
        if session is None or session.transfer is not None:
            raise WipError(Code.BAD_STATE)
        job = session.start_file(mode, args)
        return FileSink(session, job, session_vars=call.session).started

    def read(self, call) -> None:
        """``AT+WIPFILE?`` answers ``OK`` alone."""
        return None


class FileSink:
    """The port in data mode for one transfer."""

    def __init__(self, session: Any, job: Any, *, session_vars: Any) -> None:
        self.session = session
        self.transfer = job.transfer
        self.upload = job.upload
        self.reply_body = job.reply_body
        self.status_urc = job.status_urc
        self.at_session = session_vars
        self.link: Any = None
        self._decoder = StreamDecoder()
        self._feed = TransferFeed(self.transfer)  # host bytes on their way to the server
        self._finishing = False
        self.started: defer.Deferred = defer.Deferred()
        session.transfer = self.transfer
        self.transfer.listener = self._event

    # -- the transfer ---------------------------------------------------------------------

    def _event(self, event) -> None:
        if isinstance(event, Opened):
            if not self.started.called:
                self.started.callback(Connect(self))
        elif isinstance(event, DataAvailable):
            self._deliver()
        elif isinstance(event, Writable):
            self._feed.push()
        elif isinstance(event, Finished):
            self._done(ResultCode.OK)
            urc = self.status_urc(event) if self.status_urc is not None else None
            if urc:
                # "+WIPFILE: 5,<index>,<mode>,<http status code>,<http status reason>",
                # after the OK (001 §6.1.4, §9.5)
                self.session.urc(urc)
        elif isinstance(event, Failed):
            code = file_code(self.session.protocol, event.error)
            if not self.started.called:
                self._release()
                self.started.errback(WipError(code))
            else:
                self._done(error_result(self.at_session, code))

    def _deliver(self) -> None:
        if self.link is None:
            return
        if self.upload and not (self.reply_body and self._finishing):
            if not self.reply_body:
                self.transfer.read()  # a PUT's response body: nobody asked for it
            return  # a POST's waits until the host's body is complete
        data = self.transfer.read()
        if data:
            self.link.write(escape(data))

    def _done(self, result: Any) -> None:
        self._release()
        if self.link is None:
            return
        if not self.upload or self.reply_body:
            self._finishing = True
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
                self._feed.finish()
                return
            self._feed.add(event.payload)

    def escaped(self) -> bool:
        self.transfer.close()
        self._release()
        return False

    def hangup(self) -> None:
        self.escaped()

    def resumed(self) -> None:
        pass
