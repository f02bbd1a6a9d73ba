"""The Wavecom platform every Open AT dialect runs on: the firmware's traits and identity,
``+WIND`` and ``+WOPEN``, and ``WavecomDialect``.  Not a dialect itself: a dialect is a
``WavecomDialect`` naming its ``OpenAtApplication`` and its services."""

from simulator.dialects.wavecom.application import OpenAtApplication
from simulator.dialects.wavecom.dialect import (
    WAVECOM_TABLES,
    WAVECOM_TRAITS,
    WavecomDialect,
    wavecom_services,
)

__all__ = ["WAVECOM_TABLES", "WAVECOM_TRAITS", "OpenAtApplication", "WavecomDialect",
           "wavecom_services"]
