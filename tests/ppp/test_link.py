"""Two PPP peers on a task.Clock, through the Twisted glue, over a line with delay and loss."""

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.ppp import (
    Authenticated,
    IpcpOpened,
    IpPacketReceived,
    LinkEstablished,
    LinkTerminated,
    Termination,
)
from simulator.ppp.automaton import MAX_CONFIGURE, RESTART_INTERVAL
from simulator.ppp.config import AuthProtocol
from tests.ppp.helpers import (
    CLIENT_ADDRESS,
    DNS,
    SERVER_ADDRESS,
    advance,
    client_config,
    linked,
    server_config,
)


def opened(events):
    return [e for e in events if isinstance(e, IpcpOpened)]


def terminated(events):
    return [e for e in events if isinstance(e, LinkTerminated)]


def test_pap_negotiates_to_ipcp_opened():
    clock, client, server, events, _ = linked(client_config(),
                                              server_config(require=(AuthProtocol.PAP,)))
    advance(clock, 2)
    assert opened(events["client"]) == [IpcpOpened(CLIENT_ADDRESS, SERVER_ADDRESS, DNS)]
    assert opened(events["server"]) == [IpcpOpened(SERVER_ADDRESS, CLIENT_ADDRESS, DNS)]
    assert Authenticated("user") in events["server"]
    assert [type(e) for e in events["client"]] == [LinkEstablished, Authenticated, IpcpOpened]


def test_chap_negotiates_to_ipcp_opened():
    clock, client, server, events, _ = linked(client_config(),
                                              server_config(require=(AuthProtocol.CHAP,)))
    advance(clock, 2)
    assert opened(events["client"]) == [IpcpOpened(CLIENT_ADDRESS, SERVER_ADDRESS, DNS)]
    assert client.peer.link.peer_authenticates_with is None
    assert server.peer.link.peer_authenticates_with is AuthProtocol.CHAP


def test_the_server_falls_back_to_pap_when_the_client_only_speaks_pap():
    clock, client, server, events, _ = linked(
        client_config(authenticate_with=(AuthProtocol.PAP,)), server_config())
    advance(clock, 2)
    assert server.peer.link.peer_authenticates_with is AuthProtocol.PAP
    assert opened(events["client"])


def test_no_common_authentication_protocol_fails_authentication():
    clock, client, server, events, wire = linked(
        client_config(authenticate_with=(AuthProtocol.PAP,)),
        server_config(require=(AuthProtocol.CHAP,)))
    advance(clock, 10)
    assert terminated(events["server"])[0].reason is Termination.AUTHENTICATION_FAILED
    assert not opened(events["client"])
    assert wire.closed


def test_a_wrong_password_fails_both_sides_and_hangs_up():
    for protocol in (AuthProtocol.PAP, AuthProtocol.CHAP):
        clock, client, server, events, wire = linked(client_config(password="wrong"),
                                                     server_config(require=(protocol,)))
        advance(clock, 10)
        for side in ("client", "server"):
            assert [e.reason for e in terminated(events[side])] == [
                Termination.AUTHENTICATION_FAILED], (protocol, side)
        assert not opened(events["client"]) and not opened(events["server"])
        assert wire.closed


def test_an_unknown_login_fails():
    clock, client, server, events, wire = linked(client_config(login="nobody"),
                                                 server_config(require=(AuthProtocol.PAP,)))
    advance(clock, 10)
    assert terminated(events["client"])[0].reason is Termination.AUTHENTICATION_FAILED


def test_ip_packets_flow_both_ways_after_ipcp():
    clock, client, server, events, _ = linked(client_config(), server_config())
    assert not client.send_ip(b"too early")
    advance(clock, 2)
    assert client.send_ip(b"\x45 from client")
    assert server.send_ip(b"\x45 from server")
    advance(clock, 1)
    assert IpPacketReceived(b"\x45 from client") in events["server"]
    assert IpPacketReceived(b"\x45 from server") in events["client"]
    assert client.peer.stats.ip_not_sent == 1


def test_lost_frames_are_recovered_by_the_restart_timer():
    lost = {"a": 3, "b": 2}

    def drop(side, data):
        if lost[side]:
            lost[side] -= 1
            return True
        return False

    clock, client, server, events, _ = linked(client_config(), server_config(), drop=drop)
    advance(clock, 2)
    assert not opened(events["client"])
    advance(clock, 3 * RESTART_INTERVAL)
    assert opened(events["client"]) and opened(events["server"])


def test_a_silent_peer_ends_with_lcp_failed_after_max_configure():
    clock, client, server, events, wire = linked(client_config(), server_config(),
                                                 drop=lambda side, data: side == "b")
    advance(clock, (MAX_CONFIGURE - 1) * RESTART_INTERVAL)
    assert not terminated(events["client"])
    advance(clock, RESTART_INTERVAL + 0.1)
    assert terminated(events["client"])[0].reason is Termination.LCP_FAILED
    assert wire.closed
    assert terminated(events["server"])[0].reason is Termination.LOWER_LAYER_DOWN


def test_closing_terminates_both_sides():
    clock, client, server, events, wire = linked(client_config(), server_config())
    advance(clock, 2)
    client.close()
    advance(clock, 1)
    assert terminated(events["client"])[0].reason is Termination.LOCAL_CLOSE
    assert terminated(events["server"])[0].reason is Termination.PEER_TERMINATED
    assert wire.closed


def test_the_line_dropping_is_reported_once():
    clock, client, server, events, wire = linked(client_config(), server_config())
    advance(clock, 2)
    wire.close()
    assert [e.reason for e in terminated(events["client"])] == [Termination.LOWER_LAYER_DOWN]
    assert [e.reason for e in terminated(events["server"])] == [Termination.LOWER_LAYER_DOWN]


def test_a_lost_chap_success_is_recovered_by_repeating_the_response():
    lost = []

    def drop_the_success(side, data):
        if not lost and side == "b" and b"Welcome" in _unescaped(data):
            lost.append(data)
            return True
        return False

    clock, client, server, events, _ = linked(client_config(),
                                              server_config(require=(AuthProtocol.CHAP,)),
                                              drop=drop_the_success)
    advance(clock, 2)
    assert lost and not opened(events["client"])
    # The Response is repeated after the restart interval, the Success with it; the
    # server's IPCP request is repeated on its own timer.
    advance(clock, 2 * RESTART_INTERVAL + 1)
    assert opened(events["client"]) and opened(events["server"])


def _unescaped(data: bytes) -> bytes:
    from simulator.ppp.framing import FrameDecoder

    return b"".join(f.information for f in FrameDecoder(accm=0).feed(data))


def test_echo_keepalive_detects_a_dead_peer():
    alive = {"b": True}
    clock, client, server, events, _ = linked(
        client_config(echo_interval=5.0, echo_failures=2), server_config(),
        drop=lambda side, data: side == "b" and not alive["b"])
    advance(clock, 20)
    assert not terminated(events["client"])  # echo replies keep it up
    alive["b"] = False
    advance(clock, 20)
    assert terminated(events["client"])[0].reason is Termination.ECHO_TIMEOUT


@settings(max_examples=25, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=8), st.integers(0, 1000),
       st.sampled_from([AuthProtocol.PAP, AuthProtocol.CHAP]))
def test_any_early_loss_pattern_still_opens(pattern, seed, protocol):
    """Writes are lost by the pattern (then none): retransmissions always get through.
    Fewer losses than Max-Configure: ten lost retransmissions in a row end the link, as
    they should."""
    pattern = list(pattern)

    def drop(side, data):
        return pattern.pop(0) if pattern else False

    clock, client, server, events, _ = linked(client_config(),
                                              server_config(require=(protocol,)),
                                              drop=drop, seed=seed)
    advance(clock, 40, step=0.05)
    assert opened(events["client"]) and opened(events["server"])
