"""Which 002 §9.2 code an FTP, mail or ping failure shows (decisions E82, E83), and the DNS
servers a command asks (E81)."""

import pytest

from simulator.dialects.atsharp.dns import dns_servers
from simulator.dialects.atsharp.failures import Step, failure_code
from simulator.ipstack.apps import AppError, AppFailure, Reply

F = AppFailure


@pytest.mark.parametrize("reason,code", [
    (F.NAME_NOT_FOUND, 38027), (F.DNS_TIMEOUT, 38027), (F.UNREACHABLE, 38016),
    (F.REFUSED, 38016), (F.SERVER_NOT_READY, 38016), (F.TIMEOUT, 37964), (F.RESET, 37952),
    (F.CONNECTION_LOST, 37966), (F.BEARER_RELEASED, 35841), (F.USER_REJECTED, 38080),
    (F.PASSWORD_REJECTED, 38081), (F.AUTH_FAILED, 38081), (F.SENDER_REJECTED, 38028),
    (F.RECIPIENT_REJECTED, 38029), (F.CC_REJECTED, 38030), (F.BODY_REJECTED, 38031),
])
def test_reasons_show_the_same_code_at_every_step(reason, code):
    for step in Step:
        if step is not Step.DIRECTORY:
            assert failure_code(AppError(reason), step) == code


@pytest.mark.parametrize("step,code", [
    (Step.OPEN, 38016), (Step.DOWNLOAD, 38024), (Step.UPLOAD, 38017), (Step.SEND, 38031),
    (Step.RETRIEVE, 38025), (Step.DIRECTORY, 38022),
])
def test_a_refusal_shows_the_code_of_what_was_asked(step, code):
    refused = Reply(550, "550 no")
    assert failure_code(AppError(F.NOT_FOUND, reply=refused), step) == code
    assert failure_code(AppError(F.PROTOCOL_ERROR, reply=refused), step) == code


def test_any_reply_to_cwd_is_38022_but_not_a_lost_link():
    assert failure_code(AppError(F.AUTH_FAILED, reply=Reply(530, "530 x")),
                        Step.DIRECTORY) == 38022
    assert failure_code(AppError(F.BEARER_RELEASED), Step.DIRECTORY) == 35841


@pytest.mark.parametrize("first,second,servers", [
    ("0.0.0.0", "0.0.0.0", None),
    ("192.0.2.53", "0.0.0.0", ("192.0.2.53",)),
    ("0.0.0.0", "192.0.2.54", ("192.0.2.54",)),
    ("192.0.2.53", "192.0.2.54", ("192.0.2.53", "192.0.2.54")),
])
def test_dnsserv1_then_dnsserv2_and_the_links_own_when_neither(first, second, servers):
    flash = {"DNSSERV1": first, "DNSSERV2": second}
    assert dns_servers(flash.__getitem__) == servers
