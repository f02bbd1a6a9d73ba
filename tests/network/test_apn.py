import random

import pytest
from twisted.internet import defer, task
from twisted.python.failure import Failure

from simulator.network import ActivationError, ActivationFailure, AddressPool, Network
from simulator.network.spec import ApnSpec
from tests.network.helpers import INTERNET, ip, net, result_of, spec


def network(*apns, **kw) -> tuple[Network, task.Clock]:
    clock = task.Clock()
    return Network(spec(apns=apns or (INTERNET,), **kw), clock=clock), clock


def failure_reason(result) -> ActivationFailure:
    assert isinstance(result, Failure), result
    assert result.check(ActivationError)
    return result.value.reason


def test_activation_waits_the_delay_then_gives_address_and_dns():
    apn = ApnSpec("internet", net("10.64.0.0/16"), dns=(ip("10.64.255.53"), ip("10.64.255.54")),
                  activation_delay=1.5)
    n, clock = network(apn)
    d = n.activate("lab-1", "internet")
    clock.advance(1.49)
    assert not d.called
    clock.advance(0.01)
    bearer = result_of(d)
    assert bearer.address == "10.64.0.1"
    assert bearer.dns == ("10.64.255.53", "10.64.255.54")
    assert bearer.apn == "internet"
    assert bearer.link is n.link("lab-1")
    assert bearer.active


def test_apn_names_match_without_case():
    n, clock = network()
    d = n.activate("lab-1", "InterNET")
    clock.advance(0)
    assert result_of(d).address == "10.64.0.1"


def test_each_activation_gets_its_own_address_and_release_returns_it():
    apn = ApnSpec("internet", net("10.64.0.0/30"))  # two host addresses
    n, clock = network(apn)
    first = n.activate("a", "internet")
    second = n.activate("b", "internet")
    clock.advance(0)
    a, b = result_of(first), result_of(second)
    assert {a.address, b.address} == {"10.64.0.1", "10.64.0.2"}
    third = n.activate("c", "internet")
    clock.advance(0)
    assert failure_reason(result_of(third)) is ActivationFailure.NO_ADDRESS
    a.release()
    assert not a.active
    again = n.activate("c", "internet")
    clock.advance(0)
    assert result_of(again).address == a.address


def test_release_tells_observers_once():
    n, clock = network()
    d = n.activate("lab-1", "internet")
    clock.advance(0)
    bearer = result_of(d)
    seen = []
    bearer.on_release(lambda b, by_network: seen.append((b, by_network)))
    bearer.release(by_network=True)
    bearer.release()
    assert seen == [(bearer, True)]
    assert n.bearers("lab-1") == []


def test_unknown_apn_is_rejected_without_a_wildcard():
    n, clock = network()
    d = n.activate("lab-1", "elsewhere")
    clock.advance(0)
    assert failure_reason(result_of(d)) is ActivationFailure.UNKNOWN_APN


def test_wildcard_apn_takes_any_other_name():
    n, clock = network(INTERNET, ApnSpec("*", net("10.65.0.0/16")))
    d = n.activate("lab-1", "whatever.example")
    clock.advance(0)
    bearer = result_of(d)
    assert bearer.address == "10.65.0.1"
    assert bearer.apn == "whatever.example"


def test_credentials_are_checked_only_when_given():
    locked = ApnSpec("corp", net("10.66.0.0/16"), user="user", password="pass")
    n, clock = network(INTERNET, locked)
    wrong_user = n.activate("a", "corp", "other", "pass")
    wrong_password = n.activate("b", "corp", "user", "nope")
    missing = n.activate("c", "corp")
    right = n.activate("d", "corp", "user", "pass")
    open_apn = n.activate("e", "internet", "anyone", "anything")
    clock.advance(0)
    assert failure_reason(result_of(wrong_user)) is ActivationFailure.AUTH_FAILED
    assert failure_reason(result_of(wrong_password)) is ActivationFailure.AUTH_FAILED
    assert failure_reason(result_of(missing)) is ActivationFailure.AUTH_FAILED
    assert result_of(right).address == "10.66.0.1"
    assert result_of(open_apn).address == "10.64.0.1"


def outcomes(seed: int, count: int = 40) -> list[bool]:
    apn = ApnSpec("flaky", net("10.70.0.0/16"), failure_probability=0.3, activation_delay=0.5)
    n, clock = network(apn)
    n.attach_modem("lab-1", rng=random.Random(seed))
    results = []
    for _ in range(count):
        d = n.activate("lab-1", "flaky")
        clock.advance(0.5)
        result = result_of(d)
        if isinstance(result, Failure):
            assert failure_reason(result) is ActivationFailure.NETWORK_FAILURE
            results.append(False)
        else:
            result.release()
            results.append(True)
    return results


def test_failure_probability_is_reproducible_with_a_seed():
    first, again, other = outcomes(7), outcomes(7), outcomes(8)
    assert first == again
    assert first != other
    assert 0 < first.count(False) < len(first)


def test_a_modem_with_its_link_down_cannot_activate():
    n, clock = network()
    n.link("lab-1").down()
    d = n.activate("lab-1", "internet")
    clock.advance(0)
    assert failure_reason(result_of(d)) is ActivationFailure.NETWORK_FAILURE


def test_cancelling_an_activation_abandons_it():
    apn = ApnSpec("internet", net("10.64.0.0/16"), activation_delay=5)
    n, clock = network(apn)
    d = n.activate("lab-1", "internet")
    d.addErrback(lambda f: f.trap(defer.CancelledError))
    d.cancel()
    clock.advance(10)
    assert n.bearers("lab-1") == []


def test_pool_skips_reserved_and_moves_on():
    pool = AddressPool(net("192.0.2.0/29"), reserved=[ip("192.0.2.2")])
    assert pool.size == 5
    taken = [pool.allocate() for _ in range(5)]
    assert [str(a) for a in taken] == [f"192.0.2.{i}" for i in (1, 3, 4, 5, 6)]
    assert pool.allocate() is None
    pool.release(taken[0])
    pool.release(taken[2])
    assert str(pool.allocate()) == "192.0.2.1"


@pytest.mark.parametrize("text", ["10.0.0.0/32", "10.0.0.0/31"])
def test_tiny_pools_use_every_address(text):
    pool = AddressPool(net(text))
    assert pool.size == net(text).num_addresses
