"""The SMS codec is sans-IO: it imports nothing of Twisted and nothing else of atsim."""

from pathlib import Path

import simulator.sms
from tests.test_layers import imported_modules

PACKAGE = Path(simulator.sms.__file__).parent


def test_the_codec_imports_only_itself_and_the_standard_library():
    allowed = {"__future__", "dataclasses", "datetime", "enum"}
    for path in PACKAGE.glob("*.py"):
        for module in imported_modules(path):
            inside = module.startswith("simulator.sms")
            assert inside or module.split(".")[0] in allowed, (path.name, module)
