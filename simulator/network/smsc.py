"""The network's SMS centre: it takes SMS-SUBMITs from modems and delivers them.

* to another modem (its MSISDN, or a ``numbers:`` entry ``modem:``): an SMS-DELIVER handed
  to the modem's receiver ``delay`` seconds after the submission.  A modem that is off, or
  whose storage is full, gets the message when it can take it again (``attach``,
  ``memory_available``), as a centre retries;
* to a ``numbers:`` entry ``sms: <folder>``: the whole message (its parts joined) written
  there as a message file (``simulator.network.messagefile``);
* anything else is refused at the submission with the RP cause a network gives
  (``SmsError``): 1, unassigned number; 21, short message transfer rejected, for a number
  that takes calls only.

What the centre holds survives a restart of atsim: it is kept in the state directory
(``smsc-held.json``) and delivered when the modem is back.

A SUBMIT asking for a status report (TP-SRR) gets an SMS-STATUS-REPORT back to its sender
when the message reached its recipient, or when its validity period (TP-VP) ran out while
the centre held it (status 0x46, and the message is dropped).

Files dropped into ``inbox`` are delivered to the modem they name and renamed
``<name>.done`` (or ``<name>.error`` if unreadable); the folder is made when the centre
starts.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import itertools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from twisted.application.service import Service
from twisted.internet import defer, task

from simulator.logs import Logger
from simulator.network.messagefile import MessageFile, MessageFileError, parse
from simulator.network.spec import NumberSpec, SmsCentreSpec
from simulator.sms import PduError, cbs
from simulator.sms.address import Address
from simulator.sms.concat import Reassembler, split
from simulator.sms.timestamp import AbsoluteValidity
from simulator.sms.tpdu import (
    CT_CANCEL_REPORT,
    CT_DELETE,
    CT_ENABLE_REPORT,
    CT_ENQUIRY,
    ST_DELIVERED,
    ST_VALIDITY_EXPIRED,
    Command,
    Deliver,
    Pdu,
    StatusReport,
    Submit,
    Tpdu,
)

if TYPE_CHECKING:
    from simulator.network.network import Network

log = Logger(namespace="atsim.network.smsc")

#: From a SUBMIT reaching the centre to its acknowledgement (RP-ACK), seconds.
SUBMIT_DELAY = 0.3
#: RP causes (TS 24.011 §8.2.5.4) the centre answers a SUBMIT with.
CAUSE_UNASSIGNED_NUMBER = 1
CAUSE_TRANSFER_REJECTED = 21
CAUSE_NETWORK_OUT_OF_ORDER = 38
#: A clock before 2000 (a test's ``task.Clock`` starts at 0) counts from here: time
#: stamps carry two-digit years of 2000-2099.
EPOCH_2000 = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)

#: How many final statuses of messages the centre remembers for SMS-COMMAND enquiries.
OUTCOMES = 1024
#: TP-ST (23.040 §9.2.3.15): still trying, the recipient does not answer; deleted by the
#: sender's SMS-COMMAND.
ST_NO_RESPONSE = 0x22
ST_DELETED_BY_SENDER = 0x47
#: TP-FCS (23.040 §9.2.3.22) for an SMS-COMMAND about a message the centre cannot act on,
#: and for a TP-CT it does not know; 27.005 shows them as +CMS ERROR.
FCS_CANNOT_BE_ACTIONED = 0xA0
FCS_UNSUPPORTED = 0xA1
#: What the centre holds for modems that could not take it yet, in the state directory.
HELD_FILE = "smsc-held.json"
#: A modem's receiver: True when it took the TPDU, False when it cannot now (storage full).
Receiver = Callable[[Tpdu | cbs.CbPage], bool]


class SmsError(Exception):
    """A SUBMIT the centre refused; ``cause`` is the RP cause (27.005 shows it as
    ``+CMS ERROR: <cause>``)."""

    def __init__(self, cause: int, reason: str) -> None:
        super().__init__(f"RP cause {cause}: {reason}")
        self.cause = cause


def normalise(number: str) -> str:
    digits = "".join(c for c in number if c.isdigit() or c in "*#")
    return ("+" + digits) if number.strip().startswith("+") else digits


def _expiry(submit: Submit, stamp: datetime.datetime) -> datetime.datetime | None:
    """When the SUBMIT's TP-VP leaves it (None: the centre keeps it)."""
    validity = submit.validity
    if isinstance(validity, AbsoluteValidity):
        return validity.expires
    duration = getattr(validity, "duration", None)
    return None if duration is None else stamp + duration


def _tpdu_hex(tpdu: Tpdu) -> str:
    return Pdu(tpdu).encode()[0]


@dataclasses.dataclass(eq=False)
class Held:
    """A message or status report on its way to a modem.  ``report``: the sender, its
    SUBMIT and the centre's time stamp of it (a status report goes back when the SUBMIT's
    TP-SRR asks, and SMS-COMMANDs find the message by it);
    ``expires``: the end of its validity period."""

    tpdu: Tpdu
    report: tuple[str, Submit, datetime.datetime] | None = None
    expires: datetime.datetime | None = None

    def to_json(self) -> dict:
        data: dict = {"pdu": _tpdu_hex(self.tpdu)}
        if self.report is not None:
            sender, submit, stamp = self.report
            data["report"] = {"to": sender, "submit": _tpdu_hex(submit),
                              "stamp": stamp.isoformat()}
        if self.expires is not None:
            data["expires"] = self.expires.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> Held:
        """Raises KeyError, TypeError or ValueError (PduError among them) for a bad entry."""
        report = None
        if "report" in data:
            r = data["report"]
            submit = Pdu.decode(r["submit"]).tpdu
            if not isinstance(submit, Submit):
                raise ValueError("the report's message is not an SMS-SUBMIT")
            report = (str(r["to"]), submit, datetime.datetime.fromisoformat(r["stamp"]))
        expires = data.get("expires")
        return cls(Pdu.decode(data["pdu"]).tpdu, report,
                   datetime.datetime.fromisoformat(expires) if expires else None)


class SmsCentre(Service):
    def __init__(self, network: Network, spec: SmsCentreSpec,
                 numbers: Sequence[NumberSpec]) -> None:
        self.setName("smsc")
        self.network = network
        self.clock = network.clock
        self.spec = spec
        self.delay = spec.delay
        self.submit_delay = SUBMIT_DELAY
        self.numbers = {normalise(n.number): n for n in numbers
                        if n.sms is not None or n.modem is not None}
        self.calls_only = {normalise(n.number) for n in numbers} - set(self.numbers)
        self._receivers: dict[str, Receiver] = {}
        self._waiting: dict[str, list[Held]] = {}
        self._folders = Reassembler()
        self._references = itertools.count()
        #: (sender, TP-MR) -> the final status of a message the centre no longer holds and
        #: its time stamp, for SMS-COMMAND enquiries (the latest OUTCOMES kept).
        self._outcomes: collections.OrderedDict[tuple[str, int], tuple[int, datetime.datetime]]
        self._outcomes = collections.OrderedDict()
        self._loaded = False  # the held messages of the last run are read once
        self._poller: task.LoopingCall | None = None
        self._files = itertools.count(1)

    # -- modems ------------------------------------------------------------------------------

    def attach(self, modem: str, receiver: Receiver | None) -> None:
        """``receiver`` gets what the centre delivers to ``modem`` (None: the modem is off);
        what waited for it is delivered now."""
        if receiver is None:
            self._receivers.pop(modem, None)
            return
        self._receivers[modem] = receiver
        self.memory_available(modem)

    def memory_available(self, modem: str) -> None:
        """``modem`` can store again: deliver what waits for it, oldest first."""
        waiting = self._waiting.pop(modem, [])
        delivered = 0
        while delivered < len(waiting) and self._hand_over(modem, waiting[delivered]):
            delivered += 1
        if waiting[delivered:]:
            self._waiting[modem] = waiting[delivered:]
        if delivered:
            self._save()

    def waiting(self, modem: str) -> int:
        """Messages and reports the centre holds for ``modem``."""
        return len(self._waiting.get(modem, ()))

    def hold(self, modem: str, tpdu: Tpdu) -> None:
        """A message ``modem`` refused after it was delivered (``+CNMA=2``, or no ``+CNMA``)
        and could not store: the centre keeps it and delivers it again when the modem can
        take it (``memory_available``, as after 24.011's RP-SMMA), not at once."""
        held = Held(tpdu)
        self._waiting.setdefault(modem, []).append(held)
        log.info("{modem}: refused message waits at the centre", modem=modem)
        self._save()

    def _hand_over(self, modem: str, held: Held) -> bool:
        receiver = self._receivers.get(modem)
        if receiver is None or not receiver(held.tpdu):
            return False
        if held.report is not None:
            self._outcome(held.report, ST_DELIVERED)
            self._report(*held.report)
        return True

    def _deliver(self, modem: str, held: Held) -> None:
        """Deliver now, or keep it until the modem can take it: the sender gets its status
        report once it reached the modem; when ``held.expires`` passes first it is dropped
        and the sender told."""
        if not self._waiting.get(modem) and self._hand_over(modem, held):
            return
        self._waiting.setdefault(modem, []).append(held)
        log.info("{modem}: message waits at the centre ({n} waiting)", modem=modem,
                 n=len(self._waiting[modem]))
        self._expire_later(modem, held)
        self._save()

    def _expire_later(self, modem: str, held: Held) -> None:
        if held.expires is not None:
            seconds = (held.expires - self.now()).total_seconds()
            self.clock.callLater(max(seconds, 0.0), self._expire, modem, held)

    def _expire(self, modem: str, held: Held) -> None:
        waiting = self._waiting.get(modem, [])
        if not any(item is held for item in waiting):
            return  # delivered in time
        waiting[:] = [item for item in waiting if item is not held]
        if not waiting:
            self._waiting.pop(modem, None)
        self._save()
        log.info("{modem}: a message expired at the centre", modem=modem)
        if held.report is not None:
            self._outcome(held.report, ST_VALIDITY_EXPIRED)
            self._report(*held.report, ST_VALIDITY_EXPIRED)

    # -- what the centre holds, across restarts ------------------------------------------------

    @property
    def _held_path(self) -> Path | None:
        base = self.network.state_dir
        return base / HELD_FILE if base is not None else None

    def _save(self) -> None:
        """Rewrite the held messages in the state directory (written whole, then renamed)."""
        path = self._held_path
        if path is None:
            return
        data = {modem: [held.to_json() for held in waiting]
                for modem, waiting in self._waiting.items() if waiting}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(path.name + ".tmp")
            temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
            temporary.replace(path)
        except OSError as error:
            log.warn("SMS centre: cannot save {path}: {error}", path=str(path), error=error)

    def _load(self) -> None:
        """What the centre held when atsim stopped; an unreadable entry is logged and left."""
        path = self._held_path
        if self._loaded or path is None or not path.is_file():
            return
        self._loaded = True
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            log.warn("SMS centre: cannot read {path}: {error}", path=str(path), error=error)
            return
        for modem, entries in (data.items() if isinstance(data, dict) else ()):
            for entry in entries if isinstance(entries, list) else ():
                try:
                    held = Held.from_json(entry)
                except (KeyError, TypeError, ValueError) as error:
                    log.warn("SMS centre: a held message of {modem} dropped: {error}",
                             modem=modem, error=error)
                    continue
                self._waiting.setdefault(modem, []).append(held)
                self._expire_later(modem, held)

    # -- submissions ---------------------------------------------------------------------------

    def now(self) -> datetime.datetime:
        seconds = self.clock.seconds()
        moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
        if moment.year < 2000:
            moment = EPOCH_2000 + datetime.timedelta(seconds=seconds)
        return moment.replace(microsecond=0)

    def submit(self, sender: str, submit: Submit) -> defer.Deferred:
        """A SUBMIT from modem ``sender``: ``Deferred[datetime]`` (the centre's time stamp)
        after the acknowledgement, or ``SmsError``."""
        d: defer.Deferred = defer.Deferred()

        def acknowledge() -> None:
            try:
                target = self._route(submit.destination.text)
            except SmsError as error:
                log.info("{modem}: SMS to {number} refused ({error})", modem=sender,
                         number=submit.destination.text, error=error)
                d.errback(error)
                return
            stamp = self.now()
            log.info("{modem}: SMS to {number} accepted", modem=sender,
                     number=submit.destination.text)
            self.clock.callLater(self.delay, self._forward, sender, submit, target, stamp)
            d.callback(stamp)

        self.clock.callLater(self.submit_delay, acknowledge)
        return d

    def _route(self, number: str) -> NumberSpec:
        key = normalise(number)
        spec = self.numbers.get(key)
        if spec is not None:
            return spec
        for subscriber in self.network.subscribers.values():
            if subscriber.msisdn and normalise(subscriber.msisdn) == key:
                return NumberSpec(number, modem=subscriber.name)
        if key in self.calls_only:
            raise SmsError(CAUSE_TRANSFER_REJECTED, f"{number} takes calls only")
        raise SmsError(CAUSE_UNASSIGNED_NUMBER, f"{number} is not assigned")

    def _originator(self, modem: str) -> Address:
        subscriber = self.network.subscribers.get(modem)
        if subscriber is not None and subscriber.msisdn:
            return Address.parse(subscriber.msisdn)
        return Address.parse(modem[:11])

    def _forward(self, sender: str, submit: Submit, target: NumberSpec,
                 stamp: datetime.datetime) -> None:
        if target.sms is not None:
            self._write(sender, submit, target)
            self._outcome((sender, submit, stamp), ST_DELIVERED)
            self._report(sender, submit, stamp)
            return
        deliver = Deliver(self._originator(sender), submit.user_data, self.now(),
                          dcs=submit.dcs, pid=submit.pid,
                          status_report_indication=submit.status_report_request)
        self._deliver(target.modem, Held(deliver, (sender, submit, stamp),
                                         _expiry(submit, stamp)))

    def _outcome(self, report: tuple[str, Submit, datetime.datetime], status: int) -> None:
        sender, submit, stamp = report
        key = (sender, submit.reference)
        self._outcomes.pop(key, None)
        self._outcomes[key] = (status, stamp)
        while len(self._outcomes) > OUTCOMES:
            self._outcomes.popitem(last=False)

    # -- SMS-COMMAND -----------------------------------------------------------------------------

    def command(self, sender: str, command: Command) -> defer.Deferred:
        """An SMS-COMMAND from modem ``sender`` about its message TP-MR
        ``command.message_number`` (23.040 §9.2.3.19): ``Deferred[None]`` once the centre
        acted, or ``SmsError`` with the TP-FCS when it cannot.  An enquiry is answered with
        a status report (TP-SRQ set); the other types send one when the command's TP-SRR
        asks."""
        d: defer.Deferred = defer.Deferred()

        def act() -> None:
            try:
                report = self._act(sender, command)
            except SmsError as error:
                log.info("{modem}: SMS-COMMAND refused ({error})", modem=sender, error=error)
                d.errback(error)
                return
            d.callback(None)
            if report is not None:
                self._deliver(sender, Held(report))

        self.clock.callLater(self.submit_delay, act)
        return d

    def _find(self, sender: str, reference: int) -> tuple[str, Held] | None:
        for modem, waiting in self._waiting.items():
            for held in waiting:
                if held.report is not None and held.report[0] == sender and \
                        held.report[1].reference == reference:
                    return modem, held
        return None

    def _act(self, sender: str, command: Command) -> StatusReport | None:
        kind, number = command.command_type, command.message_number
        if kind not in (CT_ENQUIRY, CT_CANCEL_REPORT, CT_DELETE, CT_ENABLE_REPORT):
            raise SmsError(FCS_UNSUPPORTED, f"TP-CT {kind} is not supported")
        found = self._find(sender, number)
        if found is None:
            outcome = self._outcomes.get((sender, number))
            if kind != CT_ENQUIRY or outcome is None:
                raise SmsError(FCS_CANNOT_BE_ACTIONED, f"no message {number} to act on")
            status, stamp = outcome
        else:
            modem, held = found
            _, submit, stamp = held.report
            status = ST_NO_RESPONSE
            if kind == CT_DELETE:
                self._waiting[modem] = [h for h in self._waiting[modem] if h is not held]
                if not self._waiting[modem]:
                    del self._waiting[modem]
                status = ST_DELETED_BY_SENDER
                self._outcome(held.report, status)
            elif kind in (CT_CANCEL_REPORT, CT_ENABLE_REPORT):
                submit = dataclasses.replace(
                    submit, status_report_request=kind == CT_ENABLE_REPORT)
                held.report = (sender, submit, stamp)
            self._save()
        if kind != CT_ENQUIRY and not command.status_report_request:
            return None
        return StatusReport(number, command.destination, stamp, self.now(), status,
                            qualifier_command=True)

    def _report(self, sender: str, submit: Submit, stamp: datetime.datetime,
                status: int = ST_DELIVERED) -> None:
        if not submit.status_report_request:
            return
        report = StatusReport(submit.reference, submit.destination, stamp, self.now(), status)
        self._deliver(sender, Held(report))

    # -- folders -------------------------------------------------------------------------------

    def _write(self, sender: str, submit: Submit, target: NumberSpec) -> None:
        originator = self._originator(sender).text
        try:
            whole = self._folders.add(originator, submit.user_data)
        except PduError as error:
            log.warn("{modem}: message part dropped ({error})", modem=sender, error=error)
            return
        if whole is None:
            return
        message = MessageFile(target.number, originator, whole, self.now())
        folder = target.sms
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{message.date:%Y%m%dT%H%M%S}-{next(self._files):04d}.txt"
        temporary = folder / ("." + name + ".tmp")
        temporary.write_text(message.render(), encoding="utf-8")
        temporary.replace(folder / name)
        log.info("{modem}: SMS to {number} written to {path}", modem=sender,
                 number=target.number, path=str(folder / name))

    def inject(self, message: MessageFile) -> int:
        """Deliver ``message`` to the modem it names (number or name), in as many parts as
        it needs; the count of parts.  Raises MessageFileError for an unknown recipient.
        A broadcast goes to every modem that is on, as cell broadcast pages."""
        if message.broadcast is not None:
            return self.broadcast(message.body, message.broadcast)
        modem = self._modem_named(message.recipient)
        if modem is None:
            raise MessageFileError(f"no modem has the number or name {message.recipient!r}")
        try:
            originator = Address.parse(message.sender)
            dcs, parts = split(message.body, next(self._references) % 256)
            originator.encode_tp()  # a name too long to be an address
            for part in parts:
                self._deliver(modem, Held(Deliver(originator, part, self.now(), dcs=dcs)))
        except PduError as error:
            raise MessageFileError(str(error)) from None
        return len(parts)

    def broadcast(self, text: str, message_id: int) -> int:
        """Cell broadcast pages of ``text`` to every modem that is on (a modem off misses
        them: a cell broadcast is not held); the count of pages."""
        try:
            broadcast = cbs.pages(text, message_id, next(self._references) % 0x400 << 4)
        except PduError as error:
            raise MessageFileError(str(error)) from None
        for modem, receiver in list(self._receivers.items()):
            for page in broadcast:
                receiver(page)
            log.info("{modem}: cell broadcast {mid} in {n} page(s)", modem=modem,
                     mid=message_id, n=len(broadcast))
        return len(broadcast)

    def _modem_named(self, recipient: str) -> str | None:
        if recipient in self.network.subscribers:
            return recipient
        spec = self.numbers.get(normalise(recipient))
        if spec is not None and spec.modem is not None:
            return spec.modem
        key = normalise(recipient)
        for subscriber in self.network.subscribers.values():
            if subscriber.msisdn and normalise(subscriber.msisdn) == key:
                return subscriber.name
        return None

    def startService(self) -> None:
        super().startService()
        self._load()
        if self.spec.inbox is not None:
            try:
                self.spec.inbox.mkdir(parents=True, exist_ok=True)  # ready for the first file
            except OSError as error:
                log.warn("SMS inbox {path}: {error}", path=str(self.spec.inbox), error=error)
            self._poller = task.LoopingCall(self.poll_inbox)
            self._poller.clock = self.clock
            self._poller.start(self.spec.poll, now=True)

    def stopService(self):
        if self._poller is not None and self._poller.running:
            self._poller.stop()
        self._poller = None
        return super().stopService()

    def poll_inbox(self) -> None:
        """Deliver every message file in the inbox folder, oldest name first."""
        inbox = self.spec.inbox
        if inbox is None or not inbox.is_dir():
            return
        for path in sorted(inbox.iterdir()):
            if (path.name.startswith(".") or path.suffix in (".done", ".error", ".tmp")
                    or not path.is_file()):
                continue
            self._take_file(path)

    def _take_file(self, path: Path) -> None:
        try:
            parts = self.inject(parse(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, MessageFileError) as error:
            log.warn("SMS inbox: {path} not delivered: {error}", path=str(path), error=error)
            _rename(path, ".error")
            return
        log.info("SMS inbox: {path} delivered in {parts} part(s)", path=str(path), parts=parts)
        _rename(path, ".done")


def _rename(path: Path, suffix: str) -> None:
    try:
        path.replace(path.with_name(path.name + suffix))
    except OSError as error:
        log.warn("SMS inbox: cannot rename {path}: {error}", path=str(path), error=error)
