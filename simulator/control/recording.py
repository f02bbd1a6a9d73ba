"""``RecordingService``: what a run leaves behind — the event file (``--events``), the
transcripts (``--transcripts``) and the packet captures (``--pcap``) — started with the
simulator and closed (flushed) when it stops."""

from __future__ import annotations

from pathlib import Path

from twisted.application.service import Service
from twisted.internet.task import LoopingCall

from simulator.control.cmuxpcap import CmuxRecorder
from simulator.control.eventfile import EventFile
from simulator.control.events import EventLog
from simulator.control.pcap import PcapRecorder, PppRecorder
from simulator.control.transcripts import TranscriptRecorder
from simulator.logs import Logger

log = Logger(namespace="atsim.control")

#: Seconds between two flushes of the files to the system: ``tail -f`` sees a line this late
#: at most, and a busy run does not pay a system call per line.
FLUSH_INTERVAL = 1.0


class RecordingError(OSError):
    """A file or directory of the recording cannot be written."""


class RecordingService(Service):
    name = "recording"

    def __init__(self, simulator, events: EventLog, *, reactor, events_file: Path | None = None,
                 transcripts: Path | None = None, pcap: Path | None = None,
                 events_bytes: bool = False) -> None:
        self.simulator = simulator
        self.events = events
        self.reactor = reactor
        self.event_file = (EventFile(events_file, events, with_bytes=events_bytes)
                           if events_file else None)
        self.transcripts_dir = transcripts
        self.pcap_dir = pcap
        self.transcripts: TranscriptRecorder | None = None
        self.pcap: PcapRecorder | None = None
        self.ppp: PppRecorder | None = None
        self.cmux: CmuxRecorder | None = None
        self._flusher: LoopingCall | None = None

    def startService(self) -> None:
        modems = self.simulator.modems
        try:
            if self.event_file is not None:
                self.event_file.start()
                log.info("events: writing {path}", path=str(self.event_file.path))
            if self.transcripts_dir is not None:
                self.transcripts = TranscriptRecorder(self.transcripts_dir, modems,
                                                      self.reactor)
                self.transcripts.start()
                log.info("transcripts: writing into {path}", path=str(self.transcripts_dir))
            if self.pcap_dir is not None:
                self.pcap = PcapRecorder(self.pcap_dir, self.simulator.network.router,
                                         self.reactor)
                self.pcap.start()
                self.ppp = PppRecorder(self.pcap_dir, modems, self.reactor)
                self.ppp.start()
                self.cmux = CmuxRecorder(self.pcap_dir, modems, self.reactor)
                self.cmux.start()
                log.info("pcap: writing into {path}", path=str(self.pcap_dir))
        except OSError as error:
            self._stop_all()
            raise RecordingError(str(error)) from None
        self._flusher = LoopingCall(self.flush)
        self._flusher.clock = self.reactor
        self._flusher.start(FLUSH_INTERVAL, now=False)
        Service.startService(self)

    def flush(self) -> None:
        if self.event_file is not None:
            self.event_file.flush()
        if self.transcripts is not None:
            self.transcripts.files.flush()
        if self.pcap is not None:
            self.pcap.files.flush()
        if self.ppp is not None:
            self.ppp.files.flush()
        if self.cmux is not None:
            self.cmux.files.flush()

    def stopService(self):
        Service.stopService(self)
        self._stop_all()

    def _stop_all(self) -> None:
        if self._flusher is not None and self._flusher.running:
            self._flusher.stop()
        if self.event_file is not None:
            self.event_file.stop()
        if self.transcripts is not None:
            self.transcripts.stop()
        if self.pcap is not None:
            self.pcap.stop()
        if self.ppp is not None:
            self.ppp.stop()
        if self.cmux is not None:
            self.cmux.stop()

    def counters(self) -> dict[str, tuple[str, object]]:
        """The recording's counters for ``/metrics``."""
        return {
            "event_file_lines": ("events written to --events",
                                 lambda: self.event_file.written if self.event_file else 0),
            "transcript_lines": ("lines written to --transcripts",
                                 lambda: self.transcripts.lines if self.transcripts else 0),
            "pcap_packets": ("IP packets written to --pcap",
                             lambda: self.pcap.packets if self.pcap else 0),
            "pcap_ppp_frames": ("PPP frames written to --pcap",
                                lambda: self.ppp.frames if self.ppp else 0),
            "pcap_cmux_frames": ("27.010 multiplexer frames written to --pcap",
                                 lambda: self.cmux.frames if self.cmux else 0),
        }
