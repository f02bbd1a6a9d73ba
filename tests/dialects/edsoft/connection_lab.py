"""A network for eDsoft connections on a task.Clock: the ISP of 002 A.5.1 at 0860000000, the
APN of A.5.2, and eDsoft modems that can call each other.

The pools are cut so that the addresses handed out are the manual's: the ISP's /30 gives
itself 213.30.30.29 and its caller 213.30.30.30 (A.5.1), the APN's /31 213.30.30.30
(A.5.2)."""

from __future__ import annotations

import ipaddress

from simulator.network.spec import ApnSpec, IpNetworkSpec, IspSpec, LinksSpec, NumberSpec
from tests.dialects.edsoft.bench import EdsoftBench

ISP_NUMBER = "0860000000"
A_NUMBER, B_NUMBER = "+33611111111", "+33622222222"
ISP = NumberSpec(ISP_NUMBER, isp=IspSpec("login", "password",
                                         pool=ipaddress.IPv4Network("213.30.30.28/30")))
APN = ApnSpec("apnserver.com", ipaddress.IPv4Network("213.30.30.30/31"), user="login",
              password="password")
NETWORK = IpNetworkSpec(apns=(APN,), numbers=(ISP,), links=LinksSpec(default="ideal"))


def modem(**kw) -> EdsoftBench:
    """An eDsoft modem on the lab network (``A_NUMBER``)."""
    kw.setdefault("msisdn", A_NUMBER)
    return EdsoftBench(ip=NETWORK, **kw)


def second(first: EdsoftBench, **kw) -> EdsoftBench:
    """Another eDsoft modem on ``first``'s network (``B_NUMBER``)."""
    kw.setdefault("msisdn", B_NUMBER)
    return EdsoftBench(shared=first, name="edsoft2", n=2, **kw)


def settle(bench: EdsoftBench, seconds: float, step: float = 0.1) -> str:
    """Let ``seconds`` pass in small steps (PPP's exchanges take turns); what the port got."""
    for _ in range(round(seconds / step)):
        bench.clock.advance(step)
    return bench.port.take()


def configure(bench: EdsoftBench, *settings: str) -> None:
    for setting in settings:
        assert bench.at(setting) == "\r\nOK\r\n", setting


GSM_TO_ISP = ('#GPRSMODE=0', f'#DIALN1="{ISP_NUMBER}"', '#ISPUN="login"',
              '#ISPPW="password"')
GPRS = ('#GPRSMODE=1', '#APNSERV="apnserver.com"', '#APNUN="login"', '#APNPW="password"')
