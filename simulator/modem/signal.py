"""Signal quality figures: +CSQ's <rssi> converted to the six values of +CESQ (27.007
§8.69), each on its own 3GPP measurement scale, so the two commands always agree.

The scenario gives one number, +CSQ <rssi> (0..31: -113 dBm + 2 dB per step).  What a real
cell would report on the other scales follows from assumptions stated next to each constant.
"""

from __future__ import annotations

import math

RSSI_UNKNOWN = 99
BER_UNKNOWN = 99
#: "not known or not detectable" on the +CESQ scales.
RXLEV_UNKNOWN = 99
MEASUREMENT_UNKNOWN = 255

#: UMTS: the pilot (CPICH) carries about 10 % of a cell's power, so RSCP is RSSI - 10 dB and
#: Ec/No is -10 dB.
CPICH_SHARE_DB = -10.0
#: LTE: RSRP is measured on one resource element of a 10 MHz carrier (50 resource blocks,
#: 600 subcarriers): RSRP = RSSI - 10*log10(600); RSRQ = 10*log10(50) + RSRP - RSSI
#: (a fully loaded cell).
LTE_RESOURCE_BLOCKS = 50
LTE_RSRP_OFFSET_DB = -10 * math.log10(12 * LTE_RESOURCE_BLOCKS)
LTE_RSRQ_DB = 10 * math.log10(LTE_RESOURCE_BLOCKS) + LTE_RSRP_OFFSET_DB

GERAN_TECHS = ("gsm", "gprs", "edge")


def rssi_dbm(rssi: int) -> int:
    """+CSQ <rssi> 0..31 in dBm (27.007 §8.5: 0 is -113 dBm or less, 31 is -51 or more)."""
    return -113 + 2 * rssi


def _index(value: float, floor: float, step: float, top: int) -> int:
    """A 3GPP measurement-report index: 0 below ``floor``, then one per ``step``."""
    return max(0, min(top, math.floor((value - floor) / step) + 1))


def cesq(rssi: int, ber: int, tech: str) -> tuple[int, int, int, int, int, int]:
    """<rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp> for a serving cell of ``tech``."""
    unknown = (RXLEV_UNKNOWN, BER_UNKNOWN) + (MEASUREMENT_UNKNOWN,) * 4
    if rssi == RSSI_UNKNOWN:
        return unknown
    dbm = rssi_dbm(rssi)
    if tech in GERAN_TECHS:
        # TS 45.008 §8.1.4: RXLEV 0 < -110 dBm, 63 >= -48 dBm.
        return (_index(dbm, -110, 1, 63), ber) + (MEASUREMENT_UNKNOWN,) * 4
    if tech == "umts":
        # TS 25.133 §9.1.1.3 (RSCP 0 < -120 dBm, 96 >= -25) and §9.1.2.3 (Ec/No 0 < -24 dB,
        # 49 >= 0, half-dB steps).
        rscp = _index(dbm + CPICH_SHARE_DB, -120, 1, 96)
        ecno = _index(CPICH_SHARE_DB, -24, 0.5, 49)
        return (RXLEV_UNKNOWN, BER_UNKNOWN, rscp, ecno, MEASUREMENT_UNKNOWN, MEASUREMENT_UNKNOWN)
    # LTE, TS 36.133 §9.1.4 (RSRP 0 < -140 dBm, 97 >= -44) and §9.1.7 (RSRQ 0 < -19.5 dB,
    # 34 >= -3, half-dB steps).
    rsrp = _index(dbm + LTE_RSRP_OFFSET_DB, -140, 1, 97)
    rsrq = _index(LTE_RSRQ_DB, -19.5, 0.5, 34)
    return (RXLEV_UNKNOWN, BER_UNKNOWN, MEASUREMENT_UNKNOWN, MEASUREMENT_UNKNOWN, rsrq, rsrp)
