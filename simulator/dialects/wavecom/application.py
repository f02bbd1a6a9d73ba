"""An Open AT application as the Wavecom firmware sees it: one record of data per dialect.

On a Wavecom Wireless CPU the vendor's AT commands beyond the firmware's own (WIPSoft's
``+WIP``, eDsoft's ``AT#``) belong to an Open AT application that ``+WOPEN`` starts, stops,
erases and reports on (WM_DEV_OAT_UGD_049 §5.2).  ``OpenAtService`` (``wopen.py``) reads the
dialect's application and knows nothing else about it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping


@dataclasses.dataclass(frozen=True)
class OpenAtApplication:
    #: What its manual calls the application.
    name: str
    #: Prefixes of the command names the application adds, prefix character included
    #: (``"+WIP"``, ``"#"``): while it is stopped they answer as commands the module does not
    #: know.
    commands: tuple[str, ...]
    #: Whether it runs on a module whose flash holds no ``+WOPEN`` mode yet.
    runs_by_default: bool
    #: ``<IntVersion>`` and the optional ``<ExtVersion>`` of ``AT+WOPEN=2``.
    versions: tuple[str, ...]
    #: The versions of a firmware revision (``ModemSpec.revision``) when they differ from
    #: ``versions``.
    revision_versions: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    #: The NVStore keys of the application's flash objects: what ``AT+WOPEN=3`` erases.
    flash_objects: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= len(self.versions) <= 2:
            raise ValueError("+WOPEN: 2 reports <IntVersion> and at most an <ExtVersion>")

    def owns(self, command: str) -> bool:
        """Whether ``command`` (a command-table name) is one of the application's."""
        name = command.upper()
        return any(name.startswith(prefix.upper()) for prefix in self.commands)

    def versions_of(self, revision: str | None) -> tuple[str, ...]:
        return self.revision_versions.get(revision, self.versions)
