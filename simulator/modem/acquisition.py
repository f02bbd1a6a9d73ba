"""What the two bearer services (``GprsService``, ``DialupService``) share: their error, which
carries one member of the service's failure enum, and the SIM's objection to a bearer."""

from __future__ import annotations

import enum
from typing import TypeVar

from simulator.at.commands import CmeError
from simulator.modem import errors
from simulator.modem.sim import require_sim_ready

F = TypeVar("F")


class AcquisitionError(Exception):
    """A bearer could not be had: ``reason`` is the service's enum member (a dialect maps it
    to its own code), ``detail`` is for logs."""

    def __init__(self, reason: enum.Enum, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)


def sim_failure(modem, not_inserted: F, not_ready: F) -> F | None:
    """The SIM's objection to a bearer (``not_inserted`` or ``not_ready``, a service's own
    failure members), or None once it is ready."""
    try:
        require_sim_ready(modem)
    except CmeError as e:
        return not_inserted if e.code == errors.SIM_NOT_INSERTED else not_ready
    return None
