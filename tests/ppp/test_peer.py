"""The sans-IO peer on its own: negotiation details, rejects, echo, and properties."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.ppp import (
    IpcpOpened,
    IpPacketReceived,
    LinkTerminated,
    PeerConfig,
    PppPeer,
    Termination,
)
from simulator.ppp.automaton import MAX_FAILURE
from simulator.ppp.framing import FrameDecoder, encode_frame
from simulator.ppp.packets import Option, Packet, decode_options, decode_packet, encode_options
from simulator.ppp.protocols import Code, IpcpOption, LcpOption, Protocol
from simulator.ppp.states import TRANSITIONS, Event, State
from tests.ppp.helpers import (
    CLIENT_ADDRESS,
    DNS,
    SERVER_ADDRESS,
    Pair,
    client_config,
    server_config,
)


def packets_sent(peer: PppPeer, protocol: int = Protocol.LCP) -> list[Packet]:
    frames = FrameDecoder(accm=0).feed(peer.data_to_send())
    return [decode_packet(f.information) for f in frames if f.protocol == protocol]


def lcp_frame(code: int, identifier: int, data: bytes = b"") -> bytes:
    return encode_frame(Protocol.LCP, Packet(code, identifier, data).encode())


def opened_pair(**server) -> Pair:
    pair = Pair(client_config(), server_config(**server)).start().run()
    assert pair.client.network_open and pair.server.network_open
    return pair


def test_the_table_is_rfc_1661s():
    # Up fills 2 cells, TO+ and TO- 5 each, Open and Close all 10, the 11 others the 8
    # states from Closed on: the RFC's table has no other cell.
    assert len(TRANSITIONS) == 2 + 5 + 5 + 10 + 10 + 11 * 8
    assert TRANSITIONS[(State.ACK_RCVD, Event.RCR_PLUS)][1] is State.OPENED
    assert TRANSITIONS[(State.OPENED, Event.RTR)][1] is State.STOPPING


def test_client_and_server_agree_on_addresses_and_name_servers():
    pair = opened_pair()
    assert pair.events["client"][-1] == IpcpOpened(CLIENT_ADDRESS, SERVER_ADDRESS, DNS)
    assert pair.now == 0.0  # no retransmission was needed


def test_a_server_without_name_servers_rejects_the_dns_options():
    pair = Pair(client_config(),
                PeerConfig.server(SERVER_ADDRESS, CLIENT_ADDRESS)).start().run()
    assert pair.events["client"][-1] == IpcpOpened(CLIENT_ADDRESS, SERVER_ADDRESS, ())


def test_a_server_without_an_address_for_the_client_fails_ipcp():
    pair = Pair(client_config(), PeerConfig.server(SERVER_ADDRESS, None)).start().run()
    reasons = [e.reason for e in pair.events["client"] if isinstance(e, LinkTerminated)]
    assert reasons == [Termination.IPCP_FAILED]


def test_a_client_with_its_own_address_keeps_it_when_the_server_takes_any():
    pair = Pair(client_config(local_address="192.0.2.7"),
                PeerConfig.server(SERVER_ADDRESS, None)).start().run()
    assert pair.events["client"][-1].local_address == "192.0.2.7"
    assert pair.events["server"][-1].peer_address == "192.0.2.7"


def test_unknown_lcp_code_gets_a_code_reject():
    pair = opened_pair()
    pair.server.receive_data(lcp_frame(42, 7, b"??"), pair.now)
    [reject] = packets_sent(pair.server)
    assert reject.code == Code.CODE_REJECT
    assert reject.data == Packet(42, 7, b"??").encode()
    assert pair.server.network_open


def test_unknown_protocol_gets_a_protocol_reject():
    pair = opened_pair()
    pair.client.receive_data(encode_frame(0x8057, b"\x01\x01\x00\x04"), pair.now)  # IPV6CP
    [reject] = packets_sent(pair.client)
    assert reject.code == Code.PROTOCOL_REJECT
    assert reject.data[:2] == b"\x80\x57"
    assert pair.client.stats.protocol_rejects_sent == 1


def test_echo_request_gets_a_reply_with_our_magic_number():
    pair = opened_pair()
    pair.server.receive_data(lcp_frame(Code.ECHO_REQUEST, 9, b"\0\0\0\0hello"), pair.now)
    [reply] = packets_sent(pair.server)
    assert reply.code == Code.ECHO_REPLY and reply.identifier == 9
    assert reply.data == pair.server.link.magic_number.to_bytes(4, "big") + b"hello"


def test_unknown_lcp_options_are_rejected_and_bad_mru_naked():
    peer = PppPeer(server_config(), random.Random(1))
    peer.lower_up(0)
    peer.open(0)
    peer.data_to_send()
    options = encode_options([Option(LcpOption.QUALITY_PROTOCOL, b"\xc0\x25\0\0\0\x0a"),
                              Option(LcpOption.MRU, (100).to_bytes(2, "big"))])
    peer.receive_data(lcp_frame(Code.CONFIGURE_REQUEST, 1, options), 0)
    [reply] = packets_sent(peer)
    assert reply.code == Code.CONFIGURE_REJECT
    assert decode_options(reply.data) == [Option(LcpOption.QUALITY_PROTOCOL,
                                                 b"\xc0\x25\0\0\0\x0a")]
    mru = encode_options([Option(LcpOption.MRU, (100).to_bytes(2, "big"))])
    answers = []
    for identifier in range(2, 2 + MAX_FAILURE + 1):
        peer.receive_data(lcp_frame(Code.CONFIGURE_REQUEST, identifier, mru), 0)
        answers += [p.code for p in packets_sent(peer)]
    # Max-Failure Naks, then a Reject of what the peer insists on.
    assert answers == [Code.CONFIGURE_NAK] * MAX_FAILURE + [Code.CONFIGURE_REJECT]


def test_a_looped_back_line_naks_our_own_magic_number():
    peer = PppPeer(client_config(), random.Random(3))
    peer.lower_up(0)
    peer.open(0)
    request = peer.data_to_send()
    peer.receive_data(request, 0)  # the line echoes everything
    nak = [p for p in packets_sent(peer) if p.code == Code.CONFIGURE_NAK]
    assert [o.type for o in decode_options(nak[0].data)] == [LcpOption.MAGIC_NUMBER]


def test_ipcp_protocol_rejected_by_the_peer_ends_the_link():
    pair = Pair(client_config(), server_config()).start()
    pair.exchange()
    pair.exchange()
    # The server answers the client's IPCP with a Protocol-Reject once LCP is open.
    pair.run()
    reject = Packet(Code.PROTOCOL_REJECT, 99,
                    Protocol.IPCP.to_bytes(2, "big") + b"\x01\x01\x00\x04").encode()
    pair.client.receive_data(encode_frame(Protocol.LCP, reject), pair.now)
    pair.run()
    reasons = [e.reason for e in pair.events["client"] if isinstance(e, LinkTerminated)]
    assert reasons in ([Termination.IPCP_FAILED], [Termination.PEER_TERMINATED])


def test_ipcp_frames_before_the_network_phase_are_discarded():
    peer = PppPeer(client_config(), random.Random(1))
    peer.lower_up(0)
    peer.open(0)
    peer.receive_data(encode_frame(Protocol.IPCP, Packet(1, 1, encode_options(
        [Option(IpcpOption.IP_ADDRESS, bytes(4))])).encode()), 0)
    assert peer.stats.discarded == 1


@settings(max_examples=40, deadline=None)
@given(st.data(), st.integers(0, 10_000))
def test_any_fragmentation_between_the_peers_still_opens(data, seed):
    pair = Pair(client_config(), server_config(), seed=seed).start()
    sizes = data.draw(st.lists(st.integers(1, 17), min_size=1, max_size=30))

    def chunked(source, target):
        out = source.data_to_send()
        i = 0
        while i < len(out):
            size = sizes[i % len(sizes)]
            target.receive_data(out[i:i + size], pair.now)
            i += size
        return bool(out)

    for _ in range(200):
        moved = chunked(pair.client, pair.server) | chunked(pair.server, pair.client)
        if not moved:
            break
    pair.exchange()
    assert pair.client.network_open and pair.server.network_open


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=400), st.integers(0, 10_000))
def test_garbage_on_the_line_never_raises(garbage, seed):
    pair = Pair(client_config(), server_config(), seed=seed).start()
    pair.client.receive_data(garbage, 0)
    pair.server.receive_data(garbage + b"\x7e", 0)
    pair.run()
    assert pair.client.network_open and pair.server.network_open


def test_addresses_given_as_wishes_give_way_to_the_peer():
    # A client wishing 192.0.2.7 and a server with its own idea of both ends.
    client = client_config(local_address="192.0.2.7", accept_local=True,
                           peer_address="192.0.2.1", accept_remote=True)
    pair = Pair(client, server_config()).start().run()
    assert pair.events["client"][-1] == IpcpOpened(CLIENT_ADDRESS, SERVER_ADDRESS, DNS)


def test_a_server_that_accepts_the_client_s_own_address():
    server = PeerConfig.server(SERVER_ADDRESS, "192.0.2.2", accept_remote=True)
    pair = Pair(client_config(local_address="192.0.2.9"), server).start().run()
    assert pair.events["client"][-1].local_address == "192.0.2.9"
    pair = Pair(client_config(), server).start().run()
    assert pair.events["client"][-1].local_address == "192.0.2.2"


def test_no_ip_packet_longer_than_the_mru_the_peer_asked_for_is_sent():
    """RFC 1661 §6.1: the MRU option asks the peer to send smaller packets.  A packet the
    client's MRU of 576 does not take is refused and counted (the gateway and the serial-link
    bearer fragment before this); one that fits goes."""
    pair = Pair(client_config(mru=576), server_config()).start().run()
    server = pair.server
    assert server.peer_mru == 576 and pair.client.peer_mru == 1500
    assert server.send_ip(b"\x45" + bytes(576)) is False
    assert server.stats.ip_too_big == 1
    assert server.send_ip(b"\x45" + bytes(575)) is True
    pair.run()
    received = [e for e in pair.events["client"] if isinstance(e, IpPacketReceived)]
    assert [len(e.packet) for e in received] == [576]
