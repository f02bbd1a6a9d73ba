"""The Fibocom NL668 as data: an LTE module's identity, the error tables of its manual's
chapter 2, and the +MIP TCP/IP stack beside the 27.007 services."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from simulator.at.session import Traits
from simulator.dialects.base import TableDialect
from simulator.dialects.mip import codes
from simulator.dialects.mip.service import MipService
from simulator.modem.services import GENERIC_SERVICES
from simulator.modem.tables import GENERIC_TABLES

#: Identity of an NL668-EU (M14): the manual's model table names "NL668-EU-00/01/03".
MIP_TABLES = dataclasses.replace(
    GENERIC_TABLES,
    manufacturer="Fibocom Wireless Inc.",
    model="NL668-EU",
    revision="19000.1000.00.01.02.04",
    imei="867000010000000",
)

MIP_TRAITS = Traits(
    # A basic-mode +MIPSEND carries up to 2048 hex digits (003 §1.1.4.1) after
    # ``+MIPSEND=<id>,"``: the line must hold them (M6).
    max_line=2560,
    cme_texts=MappingProxyType({**codes.CME_TEXTS, **codes.TCPIP_TEXTS}),
    cms_texts=codes.CMS_TEXTS,
)

DIALECT = TableDialect(
    name="mip",
    traits=MIP_TRAITS,
    tables=MIP_TABLES,
    services=(*GENERIC_SERVICES, MipService),
)
