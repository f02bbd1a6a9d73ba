"""``AT#FTPGET`` and ``AT#FTPPUT`` (002 §4.2, §4.3, A.7): one file, with an automatic
connect and disconnect, through the lab's (or any) FTP server.

    AT#FTPGET  ->  Ok_Info_DataBegin, the file DLE-escaped, <ETX>, OK
    AT#FTPPUT  ->  Ok_Info_WaitingForData (GenPro: Ok_Info_DataBegin); the host's file
                   DLE-escaped up to <ETX>; OK

The command connects to FTPSERV:FTPPORT, logs in with FTPUN/FTPPW, sets FTPTYPE, changes
to FTPGETPATH / FTPPUTPATH (unless ".", where the session already is), and starts RETR
or STOR; the information message comes when the server has accepted the transfer (its
150), so that a missing file is an error instead of an empty download.  A failure before
that is the command's result; once data mode has begun it is an ETX then the error (002
§4.2.2, §4.3.2).  The host's ETX that ends an upload is echoed where the dialect says
(eDsoft E85; GenPro G16).  With FTPTYPE A the
bytes sent to the server have their high bit cleared, NVT-ASCII (002 §4.1.2).
"""

from __future__ import annotations

from typing import Any, ClassVar

from twisted.internet import defer

from simulator.at.commands import Connect, ResultCode
from simulator.datamode.dle import END_MARK, END_OF_DATA, StreamDecoder, escape
from simulator.datamode.feed import TransferFeed
from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.datamode import error_result, message
from simulator.dialects.atsharp.failures import Step, failure_code
from simulator.dialects.atsharp.jobs import Job, JobCommand, ServiceCommands, TransferSink
from simulator.dialects.atsharp.link import Resource
from simulator.ipstack.apps import AppError, Finished, FtpSession

#: FTPTYPE A: "all the data sent by the TCP/IP stack to the FTP server is made of 7 bits
#: characters (NVT-ASCII: the MSB is set to 0)" (002 §4.1.2).
SEVEN_BITS = bytes(b & 0x7F for b in range(256))
#: FTPGETPATH / FTPPUTPATH meaning "where the login put us" (their shown default, E10).
HERE = ("", ".")


class AtSharpFtp(ServiceCommands):
    resource = Resource.FTP

    def commands(self):
        return (FtpGet(self.context, self), FtpPut(self.context, self))

    async def run(self, job: Job, session: Any, upload: bool):
        read = job.read
        binary = read("FTPTYPE") != "A"
        mode = job.owner.context.tables.ftp_mode_parameter
        passive = mode is None or read(mode) == 1  # eDsoft has no FTPMODE: passive
        ftp = FtpSession(job.endpoints, read("FTPSERV"), read("FTPPORT"),
                         read("FTPUN") or "anonymous", read("FTPPW"), passive=passive,
                         binary=binary)
        sink = FileSink(job, ftp, session, upload=upload, binary=binary)
        job.on_lost = sink.lost
        step = Step.OPEN
        try:
            await ftp.open()
            step = Step.DIRECTORY
            path = read("FTPPUTPATH" if upload else "FTPGETPATH")
            if path not in HERE:
                await ftp.cwd(path)
            step = Step.UPLOAD if upload else Step.DOWNLOAD
            name = read("FTPPUTFILENAME" if upload else "FTPGETFILENAME")
            await sink.start(ftp.put(name) if upload else ftp.get(name))
        except AppError as e:
            code = job.lost_code or failure_code(e, step)
            await sink.close()
            raise codes.error(code) from None
        name = job.owner.context.tables.upload_message if upload else "Ok_Info_DataBegin"
        return Connect(sink, shown=message(name, session.profile))


class FtpTransfer(JobCommand):
    upload: ClassVar[bool]
    service: AtSharpFtp

    def run(self, job: Job, call):
        return self.service.run(job, call.session, self.upload)


class FtpGet(FtpTransfer):
    name = "#FTPGET"
    upload = False


class FtpPut(FtpTransfer):
    name = "#FTPPUT"
    upload = True


class FileSink(TransferSink):
    """The port in data mode for one file, and the session it comes from."""

    def __init__(self, job: Job, ftp: FtpSession, session: Any, *, upload: bool,
                 binary: bool) -> None:
        super().__init__()
        self.job = job
        self.ftp = ftp
        self.at_session = session
        self.upload = upload
        self.binary = binary
        self._decoder = StreamDecoder()
        self._feed: TransferFeed | None = None  # the host's bytes on their way
        self._host_done = False  # the host's ETX came (and was echoed)
        self._link_gone = False

    # -- download -------------------------------------------------------------------------

    def _deliver(self) -> None:
        if self.link is None or self.transfer is None:
            return
        data = self.transfer.read()
        if data and not self.upload:
            self.job.activity()
            self.link.write(escape(data))

    # -- upload ---------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if not self.upload or self._host_done:
            return  # a download takes nothing from the host; after the ETX, nothing more
        self.job.activity()
        if self._feed is None:
            self._feed = TransferFeed(self.transfer)
        self._decoder.receive_data(data)
        for event in self._decoder.events():
            if event is END_OF_DATA:
                self._host_done = True
                if self.job.owner.context.tables.echo_upload_etx:
                    self.link.write(END_MARK)  # "This character is echoed" (002 A.7.1, E85)
                self._feed.finish()
                return
            payload = event.payload
            self._feed.add(payload if self.binary else payload.translate(SEVEN_BITS))

    def _push(self) -> None:
        if self._feed is not None:
            self._feed.push()

    # -- the end --------------------------------------------------------------------------

    def _finish(self, event) -> None:
        self._deliver()
        if isinstance(event, Finished):
            if not self.upload:
                self.link.write(END_MARK)  # end of the file (002 §4.2.2)
            self._end(ResultCode.OK)
        else:
            self._fail(failure_code(event.error, Step.UPLOAD if self.upload
                                    else Step.DOWNLOAD))

    def _fail(self, code: int) -> None:
        if not self._host_done:
            # "If this error occurs once the data transfer started, it is preceded by an ETX
            # character" (002 §4.2.2, §4.3.2); an upload's was echoed already.
            self.link.write(END_MARK)
        self._end(error_result(self.at_session, code))

    def _end(self, result) -> None:
        link, self.link = self.link, None
        # The result once the connection is closed (002 §4.2.1: "Once the operation
        # completed, the TCP/IP stack closes the FTP connection").
        self.close().addBoth(lambda _: link.end(result) if link is not None else None)

    def lost(self, code: int) -> None:
        """The link went: an ETX and the link's code, or the command's error."""
        self._link_gone = True  # no QUIT: there is no way to the server any more
        if self.link is not None:
            self._fail(code)
        else:
            self.close()

    def close(self) -> defer.Deferred:
        """Done with the server (QUIT, or the connection dropped when the link went or the
        transfer was abandoned); fires once the session is over and the stack free."""
        if self.transfer is not None:
            self.transfer.close()
        if self.ftp.is_open and not self._link_gone:
            ended = self.ftp.close()
        else:
            self.ftp.abort()
            ended = defer.succeed(None)
        return ended.addBoth(lambda _: self.job.end())

    # -- DataSink -------------------------------------------------------------------------

    def escaped(self) -> bool:
        """``+++`` abandons the transfer (the engine answers OK)."""
        self.link = None
        self.close()
        return False
