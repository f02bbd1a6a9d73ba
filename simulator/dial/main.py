"""``atsim-dial``: dial a modem's packet service and bring the link up on a TUN interface.

    atsim-dial /tmp/atsim/modem0 --apn internet --tun atsim0
    unshare -rn atsim-dial socket://127.0.0.1:7000 --apn internet   # a private namespace

With ``--connected`` it sends no AT command: another program dialled (ModemManager, which
leaves PPP to the host's connection manager after ``CONNECT``) and PPP starts at once.

It prints one line per step on standard output (``CONNECT``, ``ip <address> gateway
<address> dns <servers>``, ``escaped``/``resumed``, ``ended: <reason>``).  SIGINT or SIGTERM
ends the link politely (LCP Terminate); SIGUSR1 makes a ``+++``/``ATO`` cycle.  The exit status
is 0 after a link this side ended, 1 when the modem or the network ended it, 2 when dialling
failed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

from simulator.dial import tun as tunnel
from simulator.dial.dialer import DialError, Session, command
from simulator.dial.port import ModemPort
from simulator.ppp import PeerConfig


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="atsim-dial",
        description="Dial a modem's packet service (ATD*99#), run PPP on its port and move "
                    "the IP packets to a TUN interface, so the kernel's TCP/IP runs over the "
                    "modem.  Needs CAP_NET_ADMIN where the interface is made (root, or "
                    "'unshare -rn' for a private network namespace).")
    p.add_argument("port", help="the modem port: a PTY or serial device path, or "
                                "socket://HOST:PORT")
    p.add_argument("--apn", help='define the context first: AT+CGDCONT=<cid>,"IP","<apn>"')
    p.add_argument("--cid", type=int, default=1, help="the context to dial (default 1)")
    p.add_argument("--init", action="append", default=[], metavar="AT...",
                   help="an AT command to send before dialling (repeatable)")
    p.add_argument("--dial", help="the dial command (default ATD*99***<cid>#)")
    p.add_argument("--user", help="PPP login (PAP/CHAP), if the network asks")
    p.add_argument("--password", help="PPP password")
    p.add_argument("--tun", default="atsim0", help="the TUN interface to make (default atsim0)")
    p.add_argument("--netns", help="enter this network namespace first: a name of "
                                   "'ip netns' or a path like /proc/PID/ns/net")
    p.add_argument("--no-default-route", action="store_true",
                   help="do not route everything through the link")
    p.add_argument("--resolv-conf", metavar="FILE",
                   help="write the name servers IPCP gave to FILE (resolv.conf format)")
    p.add_argument("--mtu", type=int, default=1500, help="MTU and MRU (default 1500)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds to wait for each AT answer (default 30)")
    p.add_argument("--no-tun", action="store_true",
                   help="run PPP without an interface (packets are dropped): checks a dial")
    p.add_argument("--connected", action="store_true",
                   help="the port is already in data mode (another program dialled and got "
                        "CONNECT, as ModemManager hands a port to pppd): send no AT command, "
                        "start PPP at once")
    return p


def wake(port: ModemPort, timeout: float) -> None:
    """``AT`` until the modem answers OK: a modem still finishing the previous call (its
    PPP waits out a Terminate) takes the first ones as line noise."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer, _ = command(port, "AT", 1.0)
            if answer.endswith("\r\nOK\r\n"):
                return
        except DialError:
            pass
        if time.monotonic() > deadline:
            raise DialError("the modem does not answer AT")


def dial_up(port: ModemPort, args: argparse.Namespace) -> tuple[str, bytes]:
    """The AT part: the modem answering, the context defined, the dial up to ``CONNECT``."""
    wake(port, args.timeout)
    commands = list(args.init)
    if args.apn is not None:
        commands.append(f'AT+CGDCONT={args.cid},"IP","{args.apn}"')
    for line in commands:
        answer, _ = command(port, line, args.timeout)
        if not answer.endswith("\r\nOK\r\n"):
            raise DialError(f"{line} answered {answer.strip()!r}")
    dial = args.dial or f"ATD*99***{args.cid}#"
    answer, early = command(port, dial, args.timeout)
    if "CONNECT" not in answer:
        raise DialError(f"{dial} answered {answer.strip()!r}")
    return answer, early


def say(text: str) -> None:
    print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        port = ModemPort.open(args.port)
    except OSError as e:
        print(f"atsim-dial: cannot open {args.port}: {e}", file=sys.stderr)
        return 2
    tun_fd = None
    name = args.tun
    try:
        if args.netns:
            tunnel.enter_netns(args.netns)
        if not args.no_tun:
            tun_fd, name = tunnel.open_tun(args.tun)
    except OSError as e:
        print(f"atsim-dial: cannot make the TUN interface {args.tun}: {e}", file=sys.stderr)
        return 2
    if args.connected:
        early = b""
    else:
        try:
            answer, early = dial_up(port, args)
        except DialError as e:
            print(f"atsim-dial: {e}", file=sys.stderr)
            return 2
        say(answer.strip().splitlines()[-1])  # the CONNECT line, without the command's echo

    def up(event) -> None:
        if tun_fd is not None:
            tunnel.configure(name, event.local_address, event.peer_address, args.mtu,
                             not args.no_default_route)
        if args.resolv_conf:
            with open(args.resolv_conf, "w") as f:
                f.writelines(f"nameserver {server}\n" for server in event.dns)
        say(f"ip {event.local_address} gateway {event.peer_address} "
            f"dns {','.join(event.dns) or '-'}")

    config = PeerConfig.client(args.user, args.password, mru=args.mtu)
    session = Session(port, tun_fd, config, on_up=up, say=say)

    def terminate(signum, frame) -> None:
        session.terminate_requested = True

    def escape(signum, frame) -> None:
        session.escape_requested = True

    signal.signal(signal.SIGINT, terminate)
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGUSR1, escape)
    try:
        session.start(early)
        session.run()
    except DialError as e:
        print(f"atsim-dial: {e}", file=sys.stderr)
        return 1
    finally:
        if tun_fd is not None:
            os.close(tun_fd)
        port.close()
    ended = session.ended
    say(f"ended: {ended.reason.value}{f' ({ended.detail})' if ended.detail else ''}")
    from simulator.ppp import Termination

    return 0 if ended.reason is Termination.LOCAL_CLOSE else 1


if __name__ == "__main__":
    sys.exit(main())
