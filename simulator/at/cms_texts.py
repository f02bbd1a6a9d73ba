"""The verbose texts ``+CMEE=2`` shows for the 27.005 ``+CMS ERROR`` codes."""

from __future__ import annotations

from types import MappingProxyType

#: 27.005 §3.2.5 names its <err> values 300-500; 0-127 are the RP causes of 24.011
#: (Annex E, table 8.4) and 128-255 the TP-FCS values of 23.040 §9.2.3.22, named there.
#: Only the causes atsim's SMS centre gives, and the ME's own codes, have a text; others
#: show their number.
CMS_TEXTS = MappingProxyType({
    1: "Unassigned (unallocated) number",
    21: "Short message transfer rejected",
    22: "Memory capacity exceeded",
    27: "Destination out of service",
    300: "ME failure",
    301: "SMS service of ME reserved",
    302: "operation not allowed",
    303: "operation not supported",
    304: "invalid PDU mode parameter",
    305: "invalid text mode parameter",
    310: "(U)SIM not inserted",
    311: "(U)SIM PIN required",
    312: "PH-(U)SIM PIN required",
    313: "(U)SIM failure",
    314: "(U)SIM busy",
    315: "(U)SIM wrong",
    316: "(U)SIM PUK required",
    317: "(U)SIM PIN2 required",
    318: "(U)SIM PUK2 required",
    320: "memory failure",
    321: "invalid memory index",
    322: "memory full",
    330: "SMSC address unknown",
    331: "no network service",
    332: "network timeout",
    340: "no +CNMA acknowledgement expected",
    500: "unknown error",
})
