"""The running PPP links of one modem, where injected faults can reach them: a fault that
lasts puts a hook on every link there is and on every link added while it lasts, and takes
it off again when it ends.  Whoever runs a PPP link for a modem (an ISP's access server for
the modem's call, a PPP server facing the modem's host) adds it here and removes it when the
link has ended."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.ppp.link import PppLink

#: Puts a hook on one link; returns what takes it off again.
Install = Callable[["PppLink"], Callable[[], None]]


class PppLinks:
    def __init__(self) -> None:
        self.links: list[PppLink] = []
        self._hooks: list[Install] = []
        self._removers: dict[tuple[int, int], Callable[[], None]] = {}

    def __iter__(self):
        return iter(list(self.links))

    def __len__(self) -> int:
        return len(self.links)

    def add(self, link: PppLink) -> None:
        if link in self.links:
            return
        self.links.append(link)
        for install in self._hooks:
            self._removers[id(install), id(link)] = install(link)

    def remove(self, link: PppLink) -> None:
        if link not in self.links:
            return
        self.links.remove(link)
        for install in self._hooks:
            remover = self._removers.pop((id(install), id(link)), None)
            if remover is not None:
                remover()

    def hook(self, install: Install) -> Callable[[], None]:
        """``install`` on every link now and on every one added until the returned
        function is called; that function takes every hook it put off again."""
        self._hooks.append(install)
        for link in self.links:
            self._removers[id(install), id(link)] = install(link)

        def unhook() -> None:
            if install not in self._hooks:
                return
            self._hooks.remove(install)
            for link in self.links:
                remover = self._removers.pop((id(install), id(link)), None)
                if remover is not None:
                    remover()
        return unhook
