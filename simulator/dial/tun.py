"""A TUN interface (IFF_TUN, no packet information header) and its addressing with
``ip``; entering a network namespace first if asked."""

from __future__ import annotations

import ctypes
import fcntl
import os
import struct
import subprocess

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
CLONE_NEWNET = 0x40000000


def enter_netns(name_or_path: str) -> None:
    """Move this process into a network namespace: a path (``/proc/PID/ns/net``, a bind
    mount) or a name ``ip netns add`` made (``/run/netns/NAME``)."""
    path = name_or_path if "/" in name_or_path else f"/run/netns/{name_or_path}"
    fd = os.open(path, os.O_RDONLY)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.setns(fd, CLONE_NEWNET) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"setns {path}: {os.strerror(errno)}")
    finally:
        os.close(fd)


def open_tun(name: str) -> tuple[int, str]:
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    answer = fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd, answer[:16].rstrip(b"\0").decode()


def configure(name: str, local: str, peer: str, mtu: int, default_route: bool) -> None:
    """What pppd does with IPCP's result: the point-to-point address, the link up, and
    (``defaultroute``) the default route through it."""
    commands = [["ip", "link", "set", "lo", "up"],
                ["ip", "addr", "add", local, "peer", f"{peer}/32", "dev", name],
                ["ip", "link", "set", name, "mtu", str(mtu), "up"]]
    if default_route:
        commands.append(["ip", "route", "replace", "default", "dev", name])
    for command in commands:
        subprocess.run(command, check=True, capture_output=True)
