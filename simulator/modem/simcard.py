"""The SIM card itself: PIN/PUK verification with retry counters, the PIN lock, and what a
real card keeps across power cycles (its PIN, whether the lock is on, the counters).

No AT syntax here: ``simulator.modem.sim`` turns these operations into commands.  Failures
raise ``CmeError`` with the 27.007 code the ME would report.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from simulator.at.commands import CmeError
from simulator.modem import errors
from simulator.modem.spec import SimSpec
from simulator.modem.storage import NVStore

#: Attempts a card allows (3GPP TS 31.102 / GSM 11.11: 3 for a PIN, 10 for a PUK).
PIN_ATTEMPTS = 3
PUK_ATTEMPTS = 10
#: The PIN of a card whose scenario sets none: the lock is off, but +CLCK/+CPWD still need a
#: PIN to check against, and "1234" is what such cards ship with (and SimSpec.pin2's default).
UNLOCKED_CARD_PIN = "1234"


class SimState(enum.Enum):
    """What ``+CPIN?`` reports (27.007 §8.3 <code>), plus the two states with no code."""

    ABSENT = "absent"
    BLOCKED = "blocked"  # PUK attempts exhausted: the card is dead
    PIN = "SIM PIN"
    PUK = "SIM PUK"
    READY = "READY"


#: The +CME error a command needing the SIM gets in each state but READY.
_STATE_ERROR = {
    SimState.ABSENT: errors.SIM_NOT_INSERTED,
    SimState.BLOCKED: errors.SIM_FAILURE,
    SimState.PIN: errors.SIM_PIN_REQUIRED,
    SimState.PUK: errors.SIM_PUK_REQUIRED,
}


@dataclasses.dataclass
class CardLocks:
    """The card's persistent security state."""

    pin: str
    pin_enabled: bool
    pin_retries: int = PIN_ATTEMPTS
    puk_retries: int = PUK_ATTEMPTS
    pin2_retries: int = PIN_ATTEMPTS
    puk2_retries: int = PUK_ATTEMPTS

    @classmethod
    def from_json(cls, data: Any, fresh: CardLocks) -> CardLocks:
        if data is None:  # nothing stored: the card as it comes
            return fresh
        locks = dataclasses.replace(fresh)
        if isinstance(data, dict):
            for field in dataclasses.fields(cls):
                value = data.get(field.name)
                if isinstance(value, type(getattr(fresh, field.name))):
                    setattr(locks, field.name, value)
        return locks


def valid_pin(text: str) -> bool:
    """A PIN is 4 to 8 digits (3GPP TS 31.101 §9.5.1 / 22.030)."""
    return text.isascii() and text.isdigit() and 4 <= len(text) <= 8


def valid_puk(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) == 8


class SimCard:
    """One SIM, its state kept in ``store`` under its ICCID (another card starts afresh)."""

    def __init__(self, spec: SimSpec, store: NVStore) -> None:
        self.spec = spec
        self.store = store
        self._key = f"sim.{spec.iccid}"
        fresh = CardLocks(
            pin=spec.pin if spec.pin is not None else UNLOCKED_CARD_PIN,
            pin_enabled=spec.pin is not None,
        )
        self.locks = CardLocks.from_json(store.get(self._key), fresh)
        #: PIN verified since the card was last powered.
        self._verified = False
        #: Taken out of the holder while the modem runs (a fault): absent until put back.
        self.removed = False

    # -- state --------------------------------------------------------------------------------

    def power_up(self) -> None:
        """The card was (re)powered: a PIN must be entered again if the lock is on."""
        self._verified = False

    def remove(self) -> None:
        self.removed = True
        self._verified = False

    def insert(self) -> None:
        """Put back: a fresh start for the card, so a PIN must be entered again."""
        self.removed = False
        self.power_up()

    @property
    def present(self) -> bool:
        return self.spec.present and not self.removed

    @property
    def state(self) -> SimState:
        if not self.present:
            return SimState.ABSENT
        if self.locks.puk_retries == 0:
            return SimState.BLOCKED
        if self.locks.pin_retries == 0:
            return SimState.PUK
        if self.locks.pin_enabled and not self._verified:
            return SimState.PIN
        return SimState.READY

    def require_ready(self) -> None:
        """Raise the error a command that needs the SIM gets while it is not ready."""
        state = self.state
        if state is not SimState.READY:
            raise CmeError(_STATE_ERROR[state])

    def require_present(self) -> None:
        """Raise unless the card can be read at all (files readable without a PIN)."""
        state = self.state
        if state in (SimState.ABSENT, SimState.BLOCKED):
            raise CmeError(_STATE_ERROR[state])

    # -- operations -----------------------------------------------------------------------------

    def enter_pin(self, pin: str) -> None:
        """``+CPIN=<pin>`` while ``SIM PIN`` is pending."""
        self._check_pin(pin)
        self._verified = True

    def unblock(self, puk: str, new_pin: str) -> None:
        """``+CPIN=<puk>,<newpin>`` while ``SIM PUK`` is pending: a right PUK sets the new PIN,
        restores both counters and turns the lock back on (as UNBLOCK CHV does)."""
        if self.locks.puk_retries == 0:
            raise CmeError(errors.SIM_FAILURE)
        if puk != self.spec.puk:
            self.locks.puk_retries -= 1
            self._save()
            raise CmeError(errors.INCORRECT_PASSWORD)
        self.locks.pin = new_pin
        self.locks.pin_enabled = True
        self.locks.pin_retries = PIN_ATTEMPTS
        self.locks.puk_retries = PUK_ATTEMPTS
        self._verified = True
        self._save()

    def set_lock(self, enabled: bool, pin: str) -> None:
        """``+CLCK="SC",<mode>,<pin>``: turn the PIN lock on or off."""
        self._check_pin(pin)
        self.locks.pin_enabled = enabled
        self._verified = True
        self._save()

    def change_pin(self, old: str, new: str) -> None:
        """``+CPWD="SC",<old>,<new>``.  A card refuses to change a disabled PIN (GSM 11.11
        CHANGE CHV: "in contradiction with CHV status")."""
        if not self.locks.pin_enabled:
            raise CmeError(errors.OPERATION_NOT_ALLOWED)
        self._check_pin(old)
        self.locks.pin = new
        self._save()

    def _check_pin(self, pin: str) -> None:
        """Verify the PIN, counting a wrong one; the last wrong one leaves PUK required."""
        if pin != self.locks.pin:
            self.locks.pin_retries -= 1
            self._save()
            raise CmeError(errors.INCORRECT_PASSWORD)
        self.locks.pin_retries = PIN_ATTEMPTS
        self._save()

    def _save(self) -> None:
        self.store.put(self._key, dataclasses.asdict(self.locks))
