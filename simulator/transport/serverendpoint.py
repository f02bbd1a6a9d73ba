"""Parsing a Twisted server endpoint string, with a shortcut for the form scenarios use most.

A scenario of 10,000 modems on TCP holds 10,000 strings like ``tcp:20001:interface=127.0.0.1``,
and each is read three times on the way to listening (the scenario checks it, the start-up
checks look for a port already taken, the port listens).  Twisted's parser tokenises the
string byte by byte, which made parsing a large share of start-up; this plain form is built
directly, as ``serverFromString`` would build it, and everything else goes to Twisted.
"""

from __future__ import annotations

import re

from twisted.internet.endpoints import TCP4ServerEndpoint, serverFromString

#: ``tcp:<port>`` with an optional IPv4 ``interface``: what ``serverFromString`` reads as
#: ``TCP4ServerEndpoint(reactor, port, backlog=50, interface=...)``.
_PLAIN_TCP = re.compile(r"tcp:([0-9]{1,5})(?::interface=([0-9]{1,3}(?:\.[0-9]{1,3}){3}))?")


def plain_tcp(description: str) -> tuple[int, str] | None:
    """(port, interface) of a plain ``tcp:<port>[:interface=<IPv4>]`` description, else None."""
    plain = _PLAIN_TCP.fullmatch(description)
    if plain is None:
        return None
    return int(plain[1]), plain[2] or ""


def server_endpoint(reactor, description: str):
    """``twisted.internet.endpoints.serverFromString(reactor, description)``."""
    plain = plain_tcp(description)
    if plain is not None:
        return TCP4ServerEndpoint(reactor, plain[0], interface=plain[1])
    return serverFromString(reactor, description)
