"""What the modem services do differently from one vendor to the next, as data.

A dialect carries one :class:`ModemTables` (``dialect.tables``); the services read every
default, supported-value list and vendor choice from it instead of branching on the vendor.
A new dialect changes a few fields with ``dataclasses.replace(GENERIC_TABLES, ...)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from simulator.modem import errors

if TYPE_CHECKING:
    from simulator.modem.modem import Modem


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(mapping)


@dataclasses.dataclass(frozen=True)
class ModemTables:
    # -- identity (27.007 §5, V.250 §6.1) -------------------------------------------------
    manufacturer: str = "ATSIM"
    model: str = "GENERIC-GSM"
    revision: str = "ATSIM-1.0"
    #: A valid IMEI (Luhn check digit included) for modems the scenario gives none; the
    #: scenario loader gives each modem its own.
    imei: str = "350000010000012"
    #: Software version number shown in the IMEISV (``AT+CGSN=2``, ``AT+CGSN=3``).
    imei_svn: str = "01"
    #: ``ATI<n>`` information text, one tuple of lines per supported ``<n>``; fields
    #: ``{manufacturer}``, ``{model}``, ``{revision}``, ``{imei}``.
    ati: Mapping[int, tuple[str, ...]] = dataclasses.field(
        default_factory=lambda: _frozen(
            {0: ("{manufacturer}", "{model}", "Revision: {revision}")}
        )
    )
    #: Text before the revision in ``+CGMR``/``+GMR`` (some vendors print ``Revision: ``).
    revision_prefix: str = ""
    #: ``+GCAP`` capability list (V.250 §6.1.9): only command sets atsim implements.
    capabilities: tuple[str, ...] = ("+CGSM",)
    #: SIM serial number commands (none is in 27.007) and the line each one answers.
    iccid_commands: Mapping[str, str] = dataclasses.field(
        default_factory=lambda: _frozen({"+CCID": "+CCID: {iccid}"})
    )

    # -- TE interface ---------------------------------------------------------------------
    charsets: tuple[str, ...] = ("GSM", "IRA", "UCS2")
    default_charset: str = "IRA"
    #: +IPR rates (V.250 §6.2.10): the ones autobauding (<rate> 0) can detect, and the ones
    #: that can only be set.
    autobaud_rates: tuple[int, ...] = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
    fixed_rates: tuple[int, ...] = (300, 600, 230400, 460800, 921600)
    default_baud_rate: int = 115200
    #: +ICF <format>,<parity> and +IFC <DCE_by_DTE>,<DTE_by_DCE> factory values (V.250:
    #: 8 data bits, no parity, 1 stop bit; RTS/CTS both ways).
    default_framing: tuple[int, int] = (3, 3)
    default_flow_control: tuple[int, int] = (2, 2)

    # -- power ------------------------------------------------------------------------------
    fun_levels: tuple[int, ...] = (0, 1, 4)
    #: ``+CBC: <bcs>,<bcl>``: 0 = powered by the battery, charge level in percent.
    battery: tuple[int, int] = (0, 100)

    # -- network ------------------------------------------------------------------------------
    #: Scenario technology -> 27.007 <AcT>: 0 GSM, 2 UTRAN, 3 GSM w/EGPRS, 7 E-UTRAN.
    #: GPRS has no AcT value of its own in 27.007, so it reports GSM.
    access_technology: Mapping[str, int] = dataclasses.field(
        default_factory=lambda: _frozen({"gsm": 0, "gprs": 0, "edge": 3, "umts": 2, "lte": 7})
    )

    # -- packet domain ------------------------------------------------------------------------
    #: Whether the MT attaches the packet domain by itself once registered after power-on
    #: (27.007 §10.1.9 leaves it to the MT); without it the packet domain stays detached
    #: until ``AT+CGATT=1`` or an activation attaches it.
    auto_attach: bool = True
    cid_range: tuple[int, int] = (1, 16)
    pdp_types: tuple[str, ...] = ("IP", "IPV6", "IPV4V6", "PPP")

    # -- messages and phonebook ---------------------------------------------------------------
    #: Preferred message storages (27.005 §3.2.2) for <mem1>, <mem2>, <mem3>.
    sms_memories: tuple[str, ...] = ("ME", "MT", "SM", "SR")
    #: Slots per storage; "MT" is "ME" and "SM" together (27.005 §3.1).
    sms_capacity: Mapping[str, int] = dataclasses.field(
        default_factory=lambda: _frozen({"ME": 23, "SM": 30, "SR": 10})
    )
    #: Service centre a fresh SIM answers in +CSCA?.
    default_smsc: str = "+33609001390"
    #: +CMS code for a bad parameter of the 27.005 commands whose syntax lists +CMS ERROR.
    sms_bad_parameter: int = errors.CMS_OPERATION_NOT_SUPPORTED
    #: Phonebook storages (27.007 §8.11) and their sizes.
    phonebooks: Mapping[str, int] = dataclasses.field(
        default_factory=lambda: _frozen({"SM": 250, "FD": 10, "ME": 100, "ON": 4})
    )
    #: Longest <number> (digits, a leading '+' not counted) and <text> (characters) of a
    #: phonebook entry: <nlength> and <tlength> of +CPBR=? (27.007 §8.12).
    phonebook_lengths: tuple[int, int] = (40, 18)
    #: Storages searched, in order, for the <alpha> of a number in SMS text-mode headers
    #: and +CLIP.
    phonebook_lookup: tuple[str, ...] = ("SM", "ME")


GENERIC_TABLES = ModemTables()


def tables_of(modem: Modem) -> ModemTables:
    """The tables of a modem's dialect (a dialect without any gets the generic ones)."""
    return getattr(modem.dialect, "tables", GENERIC_TABLES)
