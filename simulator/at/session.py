"""Per-channel state of the V.250 engine: the active profile (E, Q, V, X, &C, &D, S-registers),
+CMEE, and a namespace where modem services keep their own per-channel settings (+CREG=<n>,
+CSCS, ...).  And the dialect traits: the table of what the engine does differently per vendor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from simulator.at.cme_texts import CME_TEXTS
from simulator.at.cms_texts import CMS_TEXTS
from simulator.at.commands import ErrorFamily

#: Factory values of the S-registers (V.250 §6.2 and the Hayes registers every module keeps).
FACTORY_SREGISTERS: dict[int, int] = {
    0: 0,  # rings before automatic answer (0 = off)
    1: 0,  # ring counter (read-only)
    2: 43,  # escape character '+'
    3: 13,  # command line termination character CR
    4: 10,  # response formatting character LF
    5: 8,  # command line editing character BS
    6: 2,  # pause before blind dialling, s
    7: 50,  # connection completion timeout, s
    8: 2,  # comma dial modifier pause, s
    9: 6,  # carrier detect response time, 1/10 s
    10: 14,  # automatic disconnect delay, 1/10 s
    11: 95,  # DTMF tone duration, ms
    12: 50,  # escape guard time, 1/50 s
}

#: Accepted ranges; S1 is read-only.
SREGISTER_RANGES: dict[int, tuple[int, int] | None] = {
    0: (0, 255),
    1: None,
    2: (0, 255),
    3: (0, 127),
    4: (0, 127),
    5: (0, 127),
    6: (2, 10),
    7: (1, 255),
    8: (0, 255),
    9: (1, 255),
    10: (1, 254),
    11: (50, 255),
    12: (0, 255),
}


@dataclasses.dataclass
class Profile:
    """The settings ``&W`` stores and ``Z`` restores (V.250 §6.1.1)."""

    echo: bool = True  # E
    quiet: bool = False  # Q
    verbose: bool = True  # V
    x: int = 4  # X: result code selection and call progress monitoring
    dcd_mode: int = 1  # &C: 0 DCD always on, 1 DCD follows the carrier
    dtr_mode: int = 2  # &D: 0 ignore, 1 online command state, 2 hang up
    cmee: int = 0  # +CMEE, stored with the profile as most modules do
    sregs: dict[int, int] = dataclasses.field(default_factory=lambda: dict(FACTORY_SREGISTERS))

    def copy(self) -> Profile:
        """What ``dataclasses.replace`` gives (with its own S-registers), without calling
        ``__init__`` field by field: every AT channel of a fleet copies a profile."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.sregs = dict(self.sregs)
        return new

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["sregs"] = {str(k): v for k, v in self.sregs.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], base: Profile) -> Profile:
        """A stored profile over ``base``; unknown or malformed fields keep base values."""
        profile = base.copy()
        for field in dataclasses.fields(cls):
            if field.name == "sregs" or field.name not in data:
                continue
            value = data[field.name]
            if isinstance(value, type(getattr(base, field.name))):
                setattr(profile, field.name, value)
        for key, value in (data.get("sregs") or {}).items():
            if str(key).isdigit() and int(key) in FACTORY_SREGISTERS and isinstance(value, int):
                profile.sregs[int(key)] = value
        return profile


@dataclasses.dataclass(frozen=True)
class Traits:
    """What the V.250 engine does differently per vendor.  A dialect supplies one of these;
    everything not listed behaves as V.250 and 27.007 say."""

    #: Longest command line accepted (characters after ``AT``).  Longer lines answer ERROR.
    max_line: int = 2048
    #: +CME code for a parameter of the wrong type, out of range or missing.
    #: 27.007 §9.2.1 code 50 "Incorrect parameters".
    bad_parameter: int = 50
    #: +CME code for a known command used in a form it does not support: 27.007 code 4
    #: "operation not supported".
    unsupported_form: int = 4
    #: Prefix of extended error results, and the verbose texts ``+CMEE=2`` shows for their
    #: codes (a dialect with codes of its own adds their texts to the 27.007 ones).
    cme_prefix: str = "+CME ERROR: "
    cms_prefix: str = "+CMS ERROR: "
    cme_texts: Mapping[int, str] = dataclasses.field(default_factory=lambda: CME_TEXTS)
    cms_texts: Mapping[int, str] = dataclasses.field(default_factory=lambda: CMS_TEXTS)
    #: Factory profile (&F).
    factory_profile: Profile = dataclasses.field(default_factory=Profile)
    #: Number of stored profiles (&W0, &W1 ...).
    profiles: int = 2
    #: Extended-command prefixes this modem recognises after ``AT`` (V.250 uses ``+``;
    #: vendors add their own).
    extended_prefixes: str = "+#$%^*@!"

    @property
    def cme_errors(self) -> ErrorFamily:
        return ErrorFamily(self.cme_prefix, self.cme_texts)

    @property
    def cms_errors(self) -> ErrorFamily:
        return ErrorFamily(self.cms_prefix, self.cms_texts)


class Session:
    """The state of one AT channel."""

    def __init__(self, traits: Traits, profile: Profile) -> None:
        self.traits = traits
        self.profile = profile
        #: Per-channel settings of modem services, by the service's own keys.
        self.vars: dict[str, Any] = {}

    @property
    def sregs(self) -> dict[int, int]:
        return self.profile.sregs
