"""The Fibocom NL668 +MIP TCP/IP dialect (``dialect: mip``).  What it answers, and every
choice its manual leaves open, is in docs/dialects/mip.md."""

from simulator.dialects.mip.dialect import DIALECT

__all__ = ["DIALECT"]
