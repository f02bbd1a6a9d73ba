"""SMS PDUs (3GPP TS 23.040, TS 23.038, TS 27.005 PDU mode), sans-IO.

Bytes and frozen values in, bytes and frozen values out: no clock, no reactor, no
network.  Every malformed input raises :class:`PduError` and nothing else.

* :mod:`.gsm7` — the GSM 7-bit default alphabet, its extension table, septet packing.
* :mod:`.address` — TP and RP addresses (semi-octets, TON/NPI, alphanumeric).
* :mod:`.timestamp` — service-centre time stamps and validity periods.
* :mod:`.userdata` — data coding schemes, user-data headers, the user data itself.
* :mod:`.tpdu` — SMS-SUBMIT, SMS-DELIVER, SMS-STATUS-REPORT and the 27.005 framing.
* :mod:`.concat` — long texts split into concatenated parts and put back together.
* :mod:`.cbs` — cell broadcast pages (23.041).
"""

from .errors import PduError

__all__ = ["PduError"]
