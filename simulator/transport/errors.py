"""Errors a transport raises when it cannot open its port."""

from __future__ import annotations


class TransportError(Exception):
    """A port could not be opened (or was misconfigured).  The message starts with the port's
    label, so the scenario author sees which modem and which port failed."""
