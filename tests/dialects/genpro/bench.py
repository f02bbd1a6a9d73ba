"""A GenPro modem on a task.Clock (or the real reactor) with a recorded AT port, and the
manual's framing: information text ``CR LF line CR LF`` then ``CR LF OK CR LF``, the
application's errors ``CR LF #CME ERROR: <code> CR LF``."""

from __future__ import annotations

from simulator.dialects.genpro.service import GenproService
from tests.dialects.atsharp_support import AtSharpBench, cme_error
from tests.modem.bench import ERROR, OK, info, urc

__all__ = ["ERROR", "OK", "GenproBench", "genpro_error", "info", "line", "urc"]

genpro_error = cme_error


def line(text: str) -> str:
    return f"\r\n{text}\r\n"


class GenproBench(AtSharpBench):
    """One GenPro modem, registered (unless ``registered=False``); with ``ip`` attached to a
    simulated IP network as ``twistd atsim`` wires it, with ``reactor`` on real time."""

    dialect = "genpro"
    default_name = "genpro1"

    @property
    def genpro(self) -> GenproService:
        return self.modem.service(GenproService)
