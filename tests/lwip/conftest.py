"""The lwIP PPP host harness, built once per session (``tests/lwip/build.py``).  Where lwIP's
sources cannot be found the tests skip, saying how to get them; in CI (``.ci/run`` fetches
them) they fail instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.harness import in_ci
from tests.lwip.build import SourceMissing, build


@pytest.fixture(scope="session")
def lwip_host() -> Path:
    try:
        return build()
    except SourceMissing as missing:
        if in_ci():
            pytest.fail(f"{missing}; .ci/run should have fetched them")
        pytest.skip(str(missing))
