"""``AT#PING`` (002 §7.2): PINGNUM echo requests to PINGREMOTE, PINGDELAY seconds apart,
each waiting PINGDELAY seconds for its reply; one line per request, then ``OK``.

     " wavecom.com " is alive : time =  900 ms
    No answer from " wavecom.com "

The lines are those of 002 §7.2.2 with their spacing (decision E90): a space before the
quote and inside the quotes of every "alive" line, two spaces after "=", the round trip in
whole milliseconds.  A name that does not resolve is 38027.
"""

from __future__ import annotations

from typing import Any

from twisted.internet import defer

from simulator.at.commands import ResultCode
from simulator.at.results import information
from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.failures import Step, failure_code
from simulator.dialects.atsharp.jobs import Job, JobCommand, ServiceCommands
from simulator.dialects.atsharp.link import Resource
from simulator.ipstack.apps import EchoReply, EchoTimeout, Failed, Ping, PingFinished


def alive_line(remote: str, rtt: float) -> str:
    return f' " {remote} " is alive : time =  {round(rtt * 1000)} ms'


def no_answer_line(remote: str) -> str:
    return f'No answer from " {remote} "'


class EdsoftPing(ServiceCommands):
    resource = Resource.PING

    def commands(self):
        return (PingCommand(self.context, self),)


class PingCommand(JobCommand):
    name = "#PING"

    def exec(self, call) -> defer.Deferred:
        return PingRun(self.service.begin(), call).done


class PingRun:
    def __init__(self, job: Job, call: Any) -> None:
        self.job = job
        self.call = call
        self.remote = job.read("PINGREMOTE")
        delay = float(job.read("PINGDELAY"))
        self.lines = 0
        self.done: defer.Deferred = defer.Deferred()
        self.run = Ping(job.endpoints, self.remote, count=job.read("PINGNUM"),
                        timeout=delay, interval=delay, listener=self._event)
        job.on_lost = self._lost
        self.run.start()

    def _event(self, event) -> None:
        if isinstance(event, EchoReply):
            self.job.activity()
            self._line(alive_line(self.remote, event.rtt))
        elif isinstance(event, EchoTimeout):
            self._line(no_answer_line(self.remote))
        elif isinstance(event, PingFinished):
            self._end(ResultCode.OK)
        elif isinstance(event, Failed):
            self._end(codes.error(self.job.lost_code or failure_code(event.error, Step.OPEN)))

    def _line(self, line: str) -> None:
        # One block of information text, as the lines come.
        profile = self.call.session.profile
        self.lines += 1
        self.call.raw(information([line], profile) if self.lines == 1
                      else line.encode("latin-1", "replace") + b"\r\n")

    def _lost(self, code: int) -> None:
        self.run.stop()
        self._end(codes.error(code))

    def _end(self, outcome) -> None:
        self.job.end()
        if self.done.called:
            return
        if isinstance(outcome, Exception):
            self.done.errback(outcome)
        else:
            self.done.callback(outcome)
