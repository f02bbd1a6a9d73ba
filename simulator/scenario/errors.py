"""The one exception a scenario file can cause."""

from __future__ import annotations

from pathlib import Path

from simulator.source import Source


class ScenarioError(Exception):
    """A scenario file that atsim will not run.

    ``str(error)`` is ``<file>:<line>: <key path>: <message>``, the shape editors and terminals
    turn into a link, for example
    ``/abs/lab.yaml:12: modems[0].ports[1].tcp: port 7001 is already used by lab-1 (line 9)``.
    The key path is left out where there is none (a YAML syntax error, the document itself),
    and the line where there is none (a file that cannot be read).
    """

    def __init__(self, file: Path | str, line: int | None, key: str, message: str) -> None:
        self.file = Path(file)
        self.line = line
        self.key = key
        self.message = message
        super().__init__(self._text())

    @classmethod
    def at(cls, source: Source, message: str) -> ScenarioError:
        return cls(source.file, source.line, source.key, message)

    def _text(self) -> str:
        where = str(self.file) if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
