"""The Wavecom WIP (wipSoft) dialect: the ``+WIP`` AT commands of "AT Commands User Guide for
Wavecom IP v5.01" (the default revision) and of the older v2.01 guide, over atsim's network
and sockets.  What it answers, and every decision the manuals leave open, is in
docs/dialects/wip.md."""

from simulator.dialects.wip.dialect import DIALECT

__all__ = ["DIALECT"]
