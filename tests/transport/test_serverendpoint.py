"""The shortcut for plain ``tcp:`` endpoints builds what Twisted's parser builds."""

import pytest
from twisted.internet.endpoints import serverFromString

from simulator.transport.serverendpoint import server_endpoint

REACTOR = object()


def fields(endpoint) -> tuple:
    return type(endpoint), {k: v for k, v in vars(endpoint).items() if k != "_reactor"}


@pytest.mark.parametrize("description", [
    "tcp:7000:interface=127.0.0.1",
    "tcp:0",
    "tcp:007:interface=0.0.0.0",
    "tcp:65535",
    # not the plain form: Twisted's own parser reads these
    "tcp:7000:interface=localhost",
    "tcp:7000:backlog=10",
    "tcp:port=7000:interface=127.0.0.1",
    "tcp6:7000",
    "unix:/tmp/x",
])
def test_the_same_endpoint_as_twisted_parses(description):
    endpoint = server_endpoint(REACTOR, description)
    assert fields(endpoint) == fields(serverFromString(REACTOR, description))
    assert endpoint._reactor is REACTOR


def test_a_bad_description_raises_as_twisted_does():
    with pytest.raises(ValueError):
        server_endpoint(REACTOR, "tcp:notaport")
