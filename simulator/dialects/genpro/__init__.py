"""The GenPro 2Xe dialect (GenPro 20e / 24e): the ``AT#`` commands of "AT# Commands List for
the GenPro 2Xe family of modems" (EG_AT#_CL_003_UK), an Open AT application on a Wavecom
Wireless CPU of the same family as eDsoft, run by the shared AT# engine.  What it answers,
and every decision the manual leaves open, is in docs/dialects/genpro.md."""

from simulator.dialects.genpro.dialect import DIALECT

__all__ = ["DIALECT"]
