"""Finding another service of the same modem, for the few places where one domain depends on
another (packet data needs registration, registration needs the SIM and the radio)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from simulator.modem.modem import Modem, Service

S = TypeVar("S", bound="Service")


def sibling(modem: Modem, cls: type[S]) -> S | None:
    """The modem's service of class ``cls``, or None if its dialect does not run one."""
    try:
        return modem.service(cls)
    except LookupError:
        return None
