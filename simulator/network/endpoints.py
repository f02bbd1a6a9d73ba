"""The ``udp:PORT[:interface=ADDR]`` form of a host endpoint for a UDP listener: Twisted has
server endpoint strings for TCP but none for UDP, so ``expose:`` writes UDP ones this way."""

from __future__ import annotations


def parse_udp_endpoint(description: str) -> tuple[int, str]:
    """``udp:PORT[:interface=ADDR]`` -> (port, interface); ValueError for anything else."""
    kind, _, rest = description.partition(":")
    parts = rest.split(":") if rest else []
    if kind != "udp" or not parts:
        raise ValueError(f"expected udp:PORT[:interface=ADDR], got {description!r}")
    port = int(parts[0])
    interface = "127.0.0.1"
    for option in parts[1:]:
        key, _, value = option.partition("=")
        if key != "interface" or not value:
            raise ValueError(f"unknown option {option!r} in {description!r}")
        interface = value
    return port, interface
