"""+GTSET (003 §1.2.4): the prompt-mode send timeout ("SENDTIME") and the format of
received data ("IPRFMT"), kept in flash (Persistent: Yes, §1.2.4.3)."""

from __future__ import annotations

from simulator.dialects.mip.command import MipCommand
from simulator.dialects.mip.sockets import RECEIVE_FORMATS

FLASH_KEY = "mip.gtset"
#: <future> -> (default, accepted values) (§1.2.4.4): "SENDTIME" in seconds, "IPRFMT" the
#: receive formats.
FEATURES: dict[str, tuple[int, range | tuple[int, ...]]] = {
    "SENDTIME": (12, range(1, 31)),
    "IPRFMT": (0, RECEIVE_FORMATS),
}


class GtSettings:
    def __init__(self, store) -> None:
        self.store = store

    def get(self, feature: str) -> int:
        stored = self.store.get(FLASH_KEY) or {}
        default, accepted = FEATURES[feature]
        value = stored.get(feature, default)
        return value if isinstance(value, int) and value in accepted else default

    def put(self, feature: str, value: int) -> None:
        stored = dict(self.store.get(FLASH_KEY) or {})
        stored[feature] = value
        self.store.put(FLASH_KEY, stored)


class GtSet(MipCommand):
    name = "+GTSET"
    forms = ("set",)

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(2, 2)
        feature = p.str(0, choices=FEATURES, casefold=True)
        value = p.int(1)
        if value not in FEATURES[feature][1]:
            raise p.bad()
        self.stack.settings.put(feature, value)
