"""Indicator control (27.007 §8.9 +CIND) and mobile termination event reporting (§8.10
+CMER) with its unsolicited ``+CIEV: <ind>,<value>``.

The indicators are those atsim has figures for: battery charge (+CBC), signal quality
(+CSQ <rssi> on the 0-5 scale), service (registered or not) and roaming.  None can be set by
the TE (27.007 leaves that to the manufacturer), so ``+CIND=`` answers operation not allowed.
Each channel has its own +CMER settings; a change of an indicator is shown, as +CIEV with the
indicator's 1-based position in ``+CIND=?``, on every channel whose <mode> forwards result
codes and whose <ind> reports indicator events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.at.commands import CmeError
from simulator.modem import errors, signal
from simulator.modem.forms import fixed
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.registration import Stat
from simulator.modem.tables import tables_of

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

SESSION_KEY = "indicators.cmer"

#: +CMER <mode>: 0 buffers result codes in the TA, 3 forwards them to the TE.  atsim offers
#: only <bfr> 0 (clear the buffer when a forwarding mode is entered), so what mode 0 buffers
#: is never shown.
MODE_BUFFER, MODE_FORWARD = 0, 3
#: +CMER <ind>: 0 no indicator events, 1 those not caused by +CIND= (all of them here: no
#: indicator is settable), 2 all.
IND_NONE = 0
#: <mode>,<keyp>,<disp>,<ind>,<bfr> after power-on and on a new channel.
DEFAULT = (MODE_BUFFER, 0, 0, IND_NONE, 0)


def signal_bars(rssi: int) -> int:
    """+CSQ <rssi> 0..31 (99 not known) on +CIND's "signal" scale 0..5: 0 for no or unknown
    signal, then one step per 6 units of <rssi> (12 dB)."""
    if rssi == signal.RSSI_UNKNOWN:
        return 0
    return min(5, (rssi + 5) // 6)


class IndicatorService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.tables = tables_of(modem)
        #: (name, range shown by +CIND=?, current value) in +CIND order.
        self.indicators: tuple[tuple[str, tuple[int, int], Callable[[], int]], ...] = (
            ("battchg", (0, 5), self._battchg),
            ("signal", (0, 5), self._signal),
            ("service", (0, 1), self._service),
            ("roam", (0, 1), self._roam),
        )
        self._shown: tuple[int, ...] = ()

    @property
    def _network(self) -> NetworkService:
        return self.modem.service(NetworkService)

    def watch_siblings(self) -> None:
        self._network.on_registration_change(self.update)
        self._network.on_signal_change(self.update)
        self._shown = self.values()

    def register(self, table: CommandTable) -> None:
        table.add("+CIND", set=self.cind_set, read=self.cind_read,
                  test=fixed("+CIND: " + ",".join(
                      f'("{name}",({lo}-{hi}))' for name, (lo, hi), _ in self.indicators)))
        table.add("+CMER", set=self.cmer_set, read=self.cmer_read,
                  test=fixed("+CMER: (0,3),(0),(0),(0-2),(0)"))

    def power_on(self) -> None:
        self._shown = self.values()

    # -- values ------------------------------------------------------------------------------

    def _battchg(self) -> int:
        return round(self.tables.battery[1] / 20)

    def _signal(self) -> int:
        return signal_bars(self._network.signal_quality()[0])

    def _service(self) -> int:
        return int(self._network.serving is not None)

    def _roam(self) -> int:
        network = self._network
        return int(network.serving is not None
                   and network.stat_of(network.serving) is Stat.ROAMING)

    def values(self) -> tuple[int, ...]:
        return tuple(value() for _, _, value in self.indicators)

    def update(self) -> None:
        """Show +CIEV for each indicator that changed since last shown."""
        values = self.values()
        changed = [(i + 1, new) for i, (old, new) in enumerate(zip(self._shown, values,
                                                                         strict=True))
                   if old != new]
        self._shown = values
        if not self.modem.powered:
            return
        for index, value in changed:
            self.modem.event("indicator", name=self.indicators[index - 1][0], value=value)
            for interpreter in list(self.modem.interpreters):
                mode, _, _, ind, _ = interpreter.session.vars.get(SESSION_KEY, DEFAULT)
                if mode == MODE_FORWARD and ind != IND_NONE:
                    interpreter.urc(f"+CIEV: {index},{value}")

    # -- commands ----------------------------------------------------------------------------

    def cind_read(self, call) -> None:
        call.info("+CIND: " + ",".join(str(v) for v in self.values()))

    def cind_set(self, call) -> None:
        raise CmeError(errors.OPERATION_NOT_ALLOWED)  # no indicator is the TE's to set

    def cmer_read(self, call) -> None:
        settings = call.session.vars.get(SESSION_KEY, DEFAULT)
        call.info("+CMER: " + ",".join(str(v) for v in settings))

    def cmer_set(self, call) -> None:
        p = call.params
        p.at_most(5)
        old = call.session.vars.get(SESSION_KEY, DEFAULT)
        # An omitted parameter keeps its value (27.007 §8.10 gives no defaults).
        mode = p.int(0, choices=(MODE_BUFFER, MODE_FORWARD), default=old[0])
        keyp = p.int(1, 0, 0, default=old[1])
        disp = p.int(2, 0, 0, default=old[2])
        ind = p.int(3, 0, 2, default=old[3])
        bfr = p.int(4, 0, 0, default=old[4])
        call.session.vars[SESSION_KEY] = (mode, keyp, disp, ind, bfr)
