"""The AT engine's faults as the host reads them, on task.Clock: replaced, late, missing
and garbled answers and error storms; each back to the true answer once undone."""

from simulator.faults import Injector, Target, make_fault
from tests.modem.bench import OK, Bench, cme, info

GMR = "+CGMR"  # any command with information text


def start(bench, name, args=None, **target):
    return Injector().apply(make_fault(name, args), Target(bench.modem, **target))


def test_reply_replaces_the_answer_of_matching_lines_until_undone():
    bench = Bench()
    true_answer = bench.at(GMR)
    fault = start(bench, "reply", {"text": "+CME ERROR: 148", "match": "AT+CGMR*"})
    assert bench.at(GMR) == cme(148)
    assert bench.at(GMR) == cme(148)
    assert bench.at("") == OK  # other lines are not touched
    fault.undo()
    assert bench.at(GMR) == true_answer


def test_reply_frames_result_codes_and_information_text_per_channel():
    bench = Bench()
    fault = start(bench, "reply", {"text": "NO CARRIER"})
    assert bench.at("D*99#") == "\r\nNO CARRIER\r\n"
    assert bench.at("V0") == "\r\nNO CARRIER\r\n"  # ATV0 did not run
    fault.undo()
    assert bench.at("V0") == "0\r"
    fault = start(bench, "reply", {"text": "ERROR"})
    assert bench.at("") == "4\r"  # a result code as the channel shows them
    fault.undo()
    assert bench.at("V1") == OK
    start(bench, "reply", {"text": "+CSQ: 99,99"})
    assert bench.at("+CSQ") == info("+CSQ: 99,99")


def test_reply_used_times_times_ends_itself():
    bench = Bench()
    injector = Injector()
    active = injector.apply(make_fault("reply", {"text": "ERROR", "times": 2}), bench.modem)
    assert bench.at("") == "\r\nERROR\r\n"
    assert not active.ended
    assert bench.at("") == "\r\nERROR\r\n"
    assert active.ended and injector.counts[("reply", "end")] == 1
    assert bench.at("") == OK


def test_a_reply_started_by_a_command_answers_that_command_once():
    bench = Bench()
    fault = start(bench, "reply", {"text": "+CME ERROR: 148"},
                  event={"line": "AT+CGACT=1,1"})
    assert bench.at("+cgact=1,1") == cme(148)  # as typed, any case
    assert fault.ended
    assert bench.at(GMR) != cme(148)


def test_delay_reply_holds_the_answer_and_the_input_behind_it():
    bench = Bench()
    true_answer = bench.at(GMR)
    fault = start(bench, "delay_reply", {"delay": 5.0, "match": "AT+CGMR"})
    assert bench.at(GMR) == ""
    assert bench.port.send(b"AT\r") == ""  # waits behind the held line, in order
    bench.advance(4.9)
    assert bench.port.take() == ""
    bench.advance(0.1)
    assert bench.port.take() == true_answer + OK
    fault.undo()
    assert bench.at(GMR) == true_answer


def test_drop_final_shows_the_information_text_without_a_result_code():
    bench = Bench()
    fault = start(bench, "drop_final", {"match": "AT+CGMR", "times": 1})
    answer = bench.at(GMR)
    assert not answer.endswith(OK) and answer.strip()
    assert fault.ended
    assert bench.at("") == OK  # the channel still answers the next line
    assert bench.at(GMR).endswith(OK)


def test_drop_final_lasts_until_undone():
    bench = Bench()
    fault = start(bench, "drop_final")
    assert bench.at("") == ""
    assert bench.at("") == ""
    fault.undo()
    assert bench.at("") == OK


def test_cme_storm_follows_cmee_and_ends_when_undone():
    bench = Bench()
    fault = start(bench, "cme_storm", {"code": 100})
    assert bench.at(GMR) == cme(100)
    assert bench.at("") == cme(100)
    fault.undo()
    assert bench.at("+CMEE=0") == OK
    fault = start(bench, "cme_storm", {"code": 100})
    assert bench.at(GMR) == "\r\nERROR\r\n"
    fault.undo()
    assert bench.at("") == OK


def test_garble_corrupts_the_answers_only_while_it_lasts():
    bench = Bench()
    true_answer = bench.at(GMR)
    fault = start(bench, "garble", {"rate": 0.5})
    garbled = bench.at(GMR)
    assert len(garbled) == len(true_answer) and garbled != true_answer
    fault.undo()
    assert bench.at(GMR) == true_answer


def test_garble_draws_the_same_noise_for_the_same_seed():
    def noise():
        bench = Bench()
        start(bench, "garble", {"rate": 0.5})
        return bench.at(GMR)
    assert noise() == noise()
