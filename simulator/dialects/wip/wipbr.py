"""``+WIPBR``: open, configure, start, stop and close bearers, and keep their configuration
in flash (001 §4.2, 000 §5).

    AT+WIPBR=0,<bid>                          close
    AT+WIPBR=1,<bid>                          open (with the stored set, if any)
    AT+WIPBR=2,<bid>,<opt num>,<value>        set an option
    AT+WIPBR=3,<bid>,<opt num>                +WIPBR: <bid>,<opt num>,<value>
    AT+WIPBR=4,<bid>,<mode>[,<login>,<password>[,<caller identity>]]    start
    AT+WIPBR=5,<bid>                          stop
    AT+WIPBR=6,<bid>,<mode>                   1 store the bearer's options, 0 free them
    AT+WIPBR?                                 <bid>,<state> per open bearer (no prefix)
    AT+WIPBR=?                                OK

Codes follow the manuals' error table (001 §10) where the +WIPBR list (001 §4.2.5) names
803/804 and 815/816 differently; see docs/dialects/wip.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.at import results
from simulator.at.commands import Connect, ResultCode
from simulator.at.params import Params
from simulator.dialects.wip import bearer_options as bo
from simulator.dialects.wip.bearer_options import BearerKind
from simulator.dialects.wip.bearers import State, WipBearer
from simulator.dialects.wip.command import WipCommand, WipContext
from simulator.dialects.wip.errors import Code, WipError

if TYPE_CHECKING:
    from simulator.dialects.wip.bearers import BearerContext

CLOSE, OPEN, SET, GET, START, STOP, FLASH = range(7)
CLIENT, SERVER = 0, 1
FREE, STORE = 0, 1
#: NVStore key of the stored bearer sets: {"<bid>": {"<opt>": value}}.
FLASH_KEY = "wip.br"
#: Bearers atsim can connect; the others are refused when opened.
CONNECTABLE = (BearerKind.GPRS, BearerKind.GSM, BearerKind.PPP)


class WipBr(WipCommand):
    name = "+WIPBR"
    forms = ("set", "read", "test")

    def __init__(self, context: WipContext, *, bearers: BearerContext) -> None:
        super().__init__(context)
        #: What the bearers it opens work with.
        self.bearer_context = bearers

    @property
    def bearers(self) -> dict[int, WipBearer]:
        return self.context.bearers

    def set(self, call):
        p = self.params(call)
        cmdtype = p.int(0)
        counts = {CLOSE: (2, 2), OPEN: (2, 2), SET: (4, 4), GET: (3, 3), START: (3, 6),
                  STOP: (2, 2), FLASH: (3, 3)}
        if cmdtype not in counts:
            raise WipError(Code.INVALID_OPTION)
        p.count(*counts[cmdtype])
        bid = p.int(1)
        kind = self.revision.bearer_ids.get(bid)
        if kind is None:
            raise WipError(Code.INVALID_OPTION)
        if cmdtype == FLASH:
            return self._flash(p, bid)
        if not self.stack.started:
            raise WipError(Code.BAD_STACK_STATE)
        if cmdtype == OPEN:
            return self._open(bid, kind)
        bearer = self.bearers.get(bid)
        if bearer is None:
            raise WipError(Code.BAD_STACK_STATE)
        if cmdtype == CLOSE:
            bearer.stop()
            del self.bearers[bid]
        elif cmdtype == SET:
            self._set_option(p, bearer)
        elif cmdtype == GET:
            number = self._option_number(p)
            call.info(f"+WIPBR: {bid},{number},{bearer.shown(number)}")
        elif cmdtype == START:
            return self._start(call, p, bearer)
        elif cmdtype == STOP:
            if bearer.state is State.STOPPED:
                raise WipError(Code.BAD_STACK_STATE)
            bearer.stop()
        return None

    def read(self, call) -> None:
        # 001 §4.2.6: "1,0" / "6,1" lines, no "+WIPBR:" prefix; nothing when none is open.
        for bid in sorted(self.bearers):
            call.info(f"{bid},{1 if self.bearers[bid].started else 0}")

    # -- cmdtypes ---------------------------------------------------------------------------

    def _open(self, bid: int, kind: BearerKind) -> None:
        if kind not in CONNECTABLE or (kind is BearerKind.PPP and bid not in bo.PORT_OF):
            raise WipError(Code.INTERFACE_NOT_AVAILABLE)  # USB, N/A
        if bid in self.bearers:
            raise WipError(Code.DEVICE_ALREADY_OPEN)
        options = {n: o.default for n, o in self.revision.bearer_options.items()}
        options.update(self._stored(bid))
        bearer = WipBearer(self.bearer_context, bid, kind, options)
        # Sockets live on the started bearer: they go with it.
        bearer.on_stop(lambda _: self.context.sockets.close_all())
        self.bearers[bid] = bearer

    def _option_number(self, p: Params) -> int:
        number = p.int(2)
        if number not in self.revision.bearer_options:
            raise WipError(Code.INVALID_OPTION)
        return number

    def _set_option(self, p: Params, bearer: WipBearer) -> None:
        number = self._option_number(p)
        option = self.revision.bearer_options[number]
        value: int | str
        if option.kind is bo.Kind.NUMBER:
            value = p.int(3)
        else:
            value = p.str(3)
        if not option.valid(value):
            raise WipError(Code.INVALID_OPTION_VALUE)
        bearer.options[number] = value

    def _start(self, call, p: Params, bearer: WipBearer):
        mode = p.int(2, CLIENT, SERVER, code=Code.INVALID_OPTION_VALUE)
        if mode == CLIENT:
            p.count(3, 3)
        else:
            # 001 §4.2.7.1: a server needs <login>,<password>; only GSM takes a caller.
            p.count(5, 6 if bearer.kind is BearerKind.GSM else 5)
            if bearer.kind not in (BearerKind.GSM, BearerKind.PPP):
                raise WipError(Code.NOT_ALLOWED_ON_BEARER)
        if bearer.state is not State.STOPPED:
            raise WipError(Code.BAD_STACK_STATE)
        if any(b.state is not State.STOPPED for b in self.bearers.values()):
            raise WipError(Code.BAD_STACK_STATE)  # "only one bearer can be started at a time"
        issuing = call.interpreter
        if mode == SERVER:
            caller = p.str(5) if p.present(5) else None
            bearer.start_server(p.str(3), p.str(4), caller or None, issuing)
            if bearer.here is not None:
                return self._here(call, bearer)
            return None  # OK now; the outcome is the +WIPBR URC (001 §4.2.2)
        d = bearer.start(issuing)
        if bearer.here is not None:
            d.addErrback(_after_ok)
            return self._here(call, bearer)
        d.addCallback(lambda _: None)
        return d

    @staticmethod
    def _here(call, bearer: WipBearer) -> Connect:
        """A port bearer started on its own port: ``OK``, then the port is PPP's at once,
        until PPP ends (D64)."""
        sink, bearer.here = bearer.here, None
        return Connect(sink, shown=results.result(ResultCode.OK, call.interpreter.profile))

    def _flash(self, p: Params, bid: int) -> None:
        action = p.int(2, FREE, STORE, code=Code.INVALID_OPTION_VALUE)
        stored = dict(self.context.store.get(FLASH_KEY) or {})
        if action == STORE:
            bearer = self.bearers.get(bid)
            if bearer is None:
                raise WipError(Code.BAD_STACK_STATE)
            stored[str(bid)] = {str(n): v for n, v in bearer.options.items()}
        else:
            stored.pop(str(bid), None)
        try:
            self.context.store.put(FLASH_KEY, stored)
        except OSError:
            raise WipError(Code.FLASH_WRITE_ERROR if action == STORE
                           else Code.FLASH_READ_ERROR) from None

    def _stored(self, bid: int) -> dict[int, int | str]:
        """The stored options of ``bid`` this revision accepts."""
        raw = (self.context.store.get(FLASH_KEY) or {}).get(str(bid))
        if not isinstance(raw, dict):
            return {}
        options = self.revision.bearer_options
        out: dict[int, int | str] = {}
        for key, value in raw.items():
            option = options.get(int(key)) if str(key).isdigit() else None
            if option is not None and option.valid(value):
                out[option.number] = value
        return out


def _after_ok(failure) -> None:
    """A client start on its own port failed after its ``OK``: the port is back in AT mode
    and ``+WIPBR?`` shows the bearer stopped; there is no final result left to show it."""
    failure.trap(WipError)
