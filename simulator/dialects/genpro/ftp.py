"""GenPro's ``AT#FTPGET`` and ``AT#FTPPUT`` (GenPro §3.2, §3.3, §7.4.7): the engine's FTP
(``simulator.dialects.atsharp.ftp``) with GenPro's tables — ``Ok_Info_DataBegin`` both ways,
the host's final ``<ETX>`` not echoed — and the check of §8: an FTPSERV that is no server
name at all (empty, or with characters no host name has) aborts with ``#CME ERROR: 0`` and
two ``ErrorHandler_ip`` lines; a well-formed name that does not resolve is 38027 (§3.2.2,
decision G17).  ``AT#FTTPUT`` is the second spelling of ``AT#FTPPUT`` (§3.3).
"""

from __future__ import annotations

import re

from twisted.internet import defer

from simulator.at import results
from simulator.at.commands import ResultLine
from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.ftp import AtSharpFtp, FtpGet, FtpPut

#: §8, as printed: the line shown twice after ``#CME ERROR: 0``.
ERROR_HANDLER = "ErrorHandler_ip: Error 17 (ADL Release memory error...)"
#: A host name or a dotted-decimal address: letters, digits, '-' and '.'.
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
_SERVER_NAME = re.compile(rf"{_LABEL}(\.{_LABEL})*\.?")


def invalid_server(call) -> ResultLine:
    """``#CME ERROR: 0`` then the two ``ErrorHandler_ip`` lines; the last is the final
    line."""
    profile = call.session.profile
    call.raw(results.error_result(codes.error(0), call.session))
    call.raw(results.information([ERROR_HANDLER], profile))
    return ResultLine(ERROR_HANDLER, 0)


class ServerChecked:
    """A transfer that first checks FTPSERV is a server name (§8)."""

    def exec(self, call):
        job = self.service.begin()  # 35867 without a link, 37122 while the stack is busy
        if not _SERVER_NAME.fullmatch(self.context.flash.get("FTPSERV")):
            job.end()
            return invalid_server(call)
        return defer.Deferred.fromCoroutine(self.run(job, call))


class GenproFtpGet(ServerChecked, FtpGet):
    pass


class GenproFtpPut(ServerChecked, FtpPut):
    pass


class GenproFtp(AtSharpFtp):
    def commands(self):
        put = GenproFtpPut(self.context, self)
        second = GenproFtpPut(self.context, self)
        second.name = "#FTTPUT"
        return (GenproFtpGet(self.context, self), put, second)
