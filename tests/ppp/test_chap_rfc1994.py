"""CHAP against the MUSTs of RFC 1994 §4.1 and §4.2 that an independent client checks: a
retransmitted Challenge is a new Challenge, a repeated Response gets the reply already given,
and every Challenge is answered, also after the link is up."""

from __future__ import annotations

import random

from simulator.ppp.automaton import Limits
from simulator.ppp.chap import ChapAuthenticatee, ChapAuthenticator, chap_md5
from simulator.ppp.config import AuthProtocol, Credentials
from simulator.ppp.framing import FrameDecoder, encode_frame
from simulator.ppp.packets import Packet, decode_packet
from simulator.ppp.protocols import ChapCode, Protocol
from tests.ppp.helpers import Pair, client_config, server_config

LIMITS = Limits()
SECRETS = {"user": "secret"}


def authenticator(seed: int = 7) -> tuple[ChapAuthenticator, list[Packet]]:
    sent: list[Packet] = []
    role = ChapAuthenticator(SECRETS, "atsim", LIMITS, random.Random(seed),
                             lambda info: sent.append(decode_packet(info)))
    return role, sent


def challenge_value(packet: Packet) -> bytes:
    return packet.data[1:1 + packet.data[0]]


def response(identifier: int, value: bytes, name: str = "user") -> Packet:
    return Packet(ChapCode.RESPONSE, identifier, bytes((len(value),)) + value + name.encode())


def right_response(challenge: Packet, secret: str = "secret") -> Packet:
    return response(challenge.identifier,
                    chap_md5(challenge.identifier, secret.encode(), challenge_value(challenge)))


# -- the authenticator: a retransmitted Challenge is a new one -------------------------------


def test_every_retransmitted_challenge_has_a_new_identifier_and_a_new_value():
    role, sent = authenticator()
    role.start(0.0)
    for _ in range(LIMITS.max_configure - 1):
        role.timeout(role.deadline)
    assert [p.code for p in sent] == [ChapCode.CHALLENGE] * LIMITS.max_configure
    assert len({p.identifier for p in sent}) == len(sent)
    assert len({challenge_value(p) for p in sent}) == len(sent)
    # The name is the same in each.
    assert {p.data[1 + p.data[0]:] for p in sent} == {b"atsim"}


def test_challenges_come_from_the_seeded_random_source():
    first, sent_first = authenticator(seed=3)
    second, sent_second = authenticator(seed=3)
    for role in (first, second):
        role.start(0.0)
        role.timeout(role.deadline)
    assert sent_first == sent_second
    third, sent_third = authenticator(seed=4)
    third.start(0.0)
    assert challenge_value(sent_third[0]) != challenge_value(sent_first[0])


def test_only_a_response_to_the_latest_challenge_counts():
    role, sent = authenticator()
    role.start(0.0)
    old = sent[-1]
    role.timeout(role.deadline)
    new = sent[-1]
    role.receive(right_response(old), 5.0)
    assert sent[-1] == new and not role.done  # the old Identifier is silently discarded
    role.receive(right_response(new), 5.0)
    assert sent[-1] == Packet(ChapCode.SUCCESS, new.identifier, b"Welcome")
    assert role.succeeded and role.peer_name == "user"


def test_the_retransmission_timer_runs_on_the_time_given():
    role, sent = authenticator()
    role.start(100.0)
    assert role.deadline == 100.0 + LIMITS.restart_interval
    role.timeout(100.0 + LIMITS.restart_interval - 0.001)
    assert len(sent) == 1
    role.timeout(100.0 + LIMITS.restart_interval)
    assert len(sent) == 2 and role.deadline == 100.0 + 2 * LIMITS.restart_interval


# -- the authenticator: a repeated Response gets the reply already given ---------------------


def test_after_success_a_repeated_response_with_a_wrong_value_gets_success_again():
    role, sent = authenticator()
    role.start(0.0)
    challenge = sent[-1]
    role.receive(right_response(challenge), 1.0)
    assert sent[-1].code == ChapCode.SUCCESS
    role.receive(response(challenge.identifier, b"\x00" * 16), 2.0)
    role.receive(response(challenge.identifier, b"guess", name="root"), 3.0)
    assert [p.code for p in sent[-2:]] == [ChapCode.SUCCESS, ChapCode.SUCCESS]
    assert {p.identifier for p in sent[1:]} == {challenge.identifier}
    assert role.succeeded is True and role.peer_name == "user"


def test_after_failure_a_repeated_response_with_the_right_value_gets_failure_again():
    role, sent = authenticator()
    role.start(0.0)
    challenge = sent[-1]
    role.receive(right_response(challenge, secret="wrong"), 1.0)
    role.receive(right_response(challenge), 2.0)
    assert [p.code for p in sent[1:]] == [ChapCode.FAILURE, ChapCode.FAILURE]
    assert role.succeeded is False


def test_on_a_link_a_repeated_response_after_success_leaves_the_link_up():
    pair = Pair(client_config(), server_config(require=(AuthProtocol.CHAP,))).start().run(10)
    assert "IpcpOpened" in pair.kinds("server")
    [chap] = pair.server._auth
    identifier = chap._challenge_id
    forged = response(identifier, b"\x55" * 16)
    pair.server.receive_data(encode_frame(Protocol.CHAP, forged.encode()), pair.now)
    [frame] = FrameDecoder(accm=0).feed(pair.server.data_to_send())
    assert decode_packet(frame.information) == Packet(ChapCode.SUCCESS, identifier,
                                                      b"Welcome")
    pair.run(pair.now + 10)
    assert "LinkTerminated" not in pair.kinds("server") + pair.kinds("client")


# -- the authenticatee: every Challenge is answered ------------------------------------------


def authenticatee() -> tuple[ChapAuthenticatee, list[Packet]]:
    sent: list[Packet] = []
    role = ChapAuthenticatee(Credentials("user", "secret"), 30.0, LIMITS,
                             lambda info: sent.append(decode_packet(info)))
    return role, sent


def challenge(identifier: int, value: bytes) -> Packet:
    return Packet(ChapCode.CHALLENGE, identifier, bytes((len(value),)) + value + b"isp")


def test_a_challenge_after_success_is_answered():
    role, sent = authenticatee()
    role.start(0.0)
    role.receive(challenge(1, b"first challenge!"), 0.0)
    role.receive(Packet(ChapCode.SUCCESS, 1, b"Welcome"), 0.1)
    assert role.succeeded
    role.receive(challenge(9, b"second challenge"), 60.0)
    assert sent[-1] == response(9, chap_md5(9, b"secret", b"second challenge"))
    assert role.succeeded is True and role.deadline is None


def test_on_a_link_a_rechallenge_is_answered_and_the_link_stays_up():
    pair = Pair(client_config(), server_config(require=(AuthProtocol.CHAP,))).start().run(10)
    assert "IpcpOpened" in pair.kinds("client")
    rechallenge = challenge(200, b"sixteen octets!!")
    pair.client.receive_data(encode_frame(Protocol.CHAP, rechallenge.encode()), pair.now)
    packets = [decode_packet(f.information)
               for f in FrameDecoder(accm=0).feed(pair.client.data_to_send())]
    assert packets == [response(200, chap_md5(200, b"secret", b"sixteen octets!!"))]
    pair.run(pair.now + 10)
    assert "LinkTerminated" not in pair.kinds("client")
