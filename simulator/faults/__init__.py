"""Faults: the vocabulary of what can go wrong, as values a timeline, the control API and tests
apply to a modem and undo (``model``), the kinds available (one module per layer), and the
timeline that schedules them from a scenario (``timeline``, ``schedule``)."""

from simulator.faults import (  # noqa: F401  (each registers its kinds)
    at,
    cellular,
    cmux,
    link,
    net,
    power,
    ppp,
    serial,
)
from simulator.faults.model import (
    REGISTRY,
    Active,
    Arg,
    Fault,
    FaultError,
    FaultKind,
    Injector,
    Registry,
    Target,
    make_fault,
)

__all__ = ["REGISTRY", "Active", "Arg", "Fault", "FaultError", "FaultKind", "Injector",
           "Registry", "Target", "make_fault"]
