"""The Wavecom eDsoft dialect: the ``AT#`` commands of "AT Commands Interface Guide for IP
Connectivity (eDsoft V3.00)", an Open AT application on a Wavecom Wireless CPU.  What it
answers, and every decision the manual leaves open, is in docs/dialects/edsoft.md."""

from simulator.dialects.edsoft.dialect import DIALECT

__all__ = ["DIALECT"]
