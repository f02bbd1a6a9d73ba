"""What a multiplexer session runs with: the parameters the host chose (the +CMUX values of
27.007 §5.7) and the modem's own capabilities and behaviour switches (per modem, from the
scenario)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from simulator.cmux.frames import MAX_N1, Option

#: 27.007 §5.7 <port_speed> codes.
PORT_SPEEDS = {1: 9600, 2: 19200, 3: 38400, 4: 57600, 5: 115200, 6: 230400}

#: 27.007 §5.7 default <N1> per <mode>.
DEFAULT_N1 = {Option.BASIC: 31, Option.ADVANCED: 64}

#: 27.007 §5.7 ranges of the timer and retry parameters, with their defaults.
T1_RANGE, T1_DEFAULT = (1, 255), 10  # acknowledgement timer, units of 10 ms
N2_RANGE, N2_DEFAULT = (0, 100), 3  # maximum number of retransmissions
T2_RANGE, T2_DEFAULT = (2, 255), 30  # control-channel response timer, units of 10 ms
T3_RANGE, T3_DEFAULT = (1, 255), 10  # wake-up response timer, seconds
K_RANGE, K_DEFAULT = (1, 7), 2  # window size (error-recovery mode only)

#: DLCIs a modem may offer: 1..61.  DLCI 62 is unusable in the basic option (a modem UIH
#: on DLCI 62 has the address octet 0xF9, the flag) and 63 is the last address value.
MAX_DLCS = 61


@dataclasses.dataclass(frozen=True)
class MuxParameters:
    """The session parameters (+CMUX set values, 27.007 §5.7)."""

    option: Option = Option.BASIC
    subset: int = 0  # 0 UIH frames only, 1 UI frames only
    port_speed: int = 5
    n1: int = DEFAULT_N1[Option.BASIC]
    t1: int = T1_DEFAULT
    n2: int = N2_DEFAULT
    t2: int = T2_DEFAULT
    t3: int = T3_DEFAULT
    k: int = K_DEFAULT

    @property
    def t1_seconds(self) -> float:
        return self.t1 / 100

    @property
    def t2_seconds(self) -> float:
        return self.t2 / 100

    def values(self) -> tuple[int, ...]:
        """In +CMUX order: mode, subset, port_speed, N1, T1, N2, T2, T3, k."""
        return (self.option.value, self.subset, self.port_speed, self.n1, self.t1, self.n2,
                self.t2, self.t3, self.k)


@dataclasses.dataclass(frozen=True)
class CmuxSettings:
    """What one modem supports and how it behaves (scenario key ``cmux:`` per modem)."""

    #: +CMUX <mode>s accepted: 0 basic, 1 advanced.
    modes: tuple[int, ...] = (0, 1)
    #: +CMUX <subset>s accepted: 0 UIH only, 1 UI only.  (2, I frames with error recovery,
    #: is not implemented.)
    subsets: tuple[int, ...] = (0,)
    #: Largest <N1> accepted (the modem's frame buffer).  127 keeps every basic-option frame
    #: to a one-octet length, which gsm0710muxd requires.
    max_n1: int = 127
    #: DLCs the host may open: DLCI 1..dlcs.
    dlcs: int = 4
    #: Seconds after +CMUX's OK while the modem is still switching its UART: frames received
    #: before then are lost (hosts must retransmit SABM, as with slow modules).
    first_frame_delay: float = 0.0
    #: Send an MSC command with the modem's V.24 signals right after the UA of each DLC
    #: (gsm0710muxd does not use a DLC until it gets one).
    msc_on_open: bool = True
    #: Answer PN with NSC, as modules without parameter negotiation do.
    refuse_pn: bool = False
    #: <port_speed> used when +CMUX omits it.
    default_port_speed: int = 5
    #: The DLCIs whose AT channels get unsolicited result codes; None: every open DLC.
    urc_dlcs: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if not self.modes or not set(self.modes) <= {0, 1}:
            raise ValueError(f"cmux modes must be some of 0, 1; got {list(self.modes)}")
        if 0 not in self.subsets or not set(self.subsets) <= {0, 1}:
            raise ValueError(f"cmux subsets must include 0 and be some of 0, 1; "
                             f"got {list(self.subsets)}")
        if not 1 <= self.max_n1 <= MAX_N1:
            raise ValueError(f"cmux max_n1 must be 1..{MAX_N1}; got {self.max_n1}")
        if not 1 <= self.dlcs <= MAX_DLCS:
            raise ValueError(f"cmux dlcs must be 1..{MAX_DLCS}; got {self.dlcs}")
        if self.first_frame_delay < 0:
            raise ValueError("cmux first_frame_delay cannot be negative")
        if self.urc_dlcs is not None and not all(1 <= d <= self.dlcs for d in self.urc_dlcs):
            raise ValueError(f"cmux urcs must name DLCs 1..{self.dlcs}; "
                             f"got {list(self.urc_dlcs)}")
        if self.default_port_speed not in PORT_SPEEDS:
            raise ValueError(f"cmux default_port_speed must be 1..6; "
                             f"got {self.default_port_speed}")

    def sends_urcs_on(self, dlci: int) -> bool:
        return self.urc_dlcs is None or dlci in self.urc_dlcs

    def default_n1(self, option: Option) -> int:
        return min(DEFAULT_N1[option], self.max_n1)

    def default_parameters(self, option: Option | None = None) -> MuxParameters:
        option = option or Option(min(self.modes))
        return MuxParameters(option=option, port_speed=self.default_port_speed,
                             n1=self.default_n1(option))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any],
                     duration: Callable[[Any], float] = float) -> CmuxSettings:
        """Settings from a scenario mapping; ``duration`` parses ``first_frame_delay``.
        Unknown keys and bad values raise ValueError naming the key."""
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - fields)
        if unknown:
            raise ValueError(f"unknown cmux key(s): {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(fields))}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("modes", "subsets"):
                items = value if isinstance(value, (list, tuple)) else [value]
                values[key] = tuple(_integer(key, item) for item in items)
            elif key in ("max_n1", "dlcs", "default_port_speed"):
                values[key] = _integer(key, value)
            elif key in ("msc_on_open", "refuse_pn"):
                if not isinstance(value, bool):
                    raise ValueError(f"cmux {key} must be true or false; got {value!r}")
                values[key] = value
            elif key == "first_frame_delay":
                values[key] = duration(value)
            elif key == "urc_dlcs":
                items = value if isinstance(value, (list, tuple)) else [value]
                values[key] = tuple(_integer(key, item) for item in items)
        return cls(**values)


def _integer(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"cmux {key} must be an integer; got {value!r}")
    return value
