"""The base of dialect commands, through a dialect with an error family of its own (the shape
of ``#CME ERROR: <code>``): parameters, the syntax/value split, reporting, rendering."""

import pytest
from twisted.internet import defer

from simulator.at.commands import DialectError, ErrorFamily
from simulator.at.session import Traits
from simulator.dialects.command import DialectCommand
from tests.at.harness import Bench

SYNTAX, VALUE, BUSY, BUSY_OLD = 34819, 34882, 37122, 99
TEXTS = {SYNTAX: "Bad command : Syntax error", VALUE: "Bad command : Bad command argument value",
         BUSY: "Another internal application is already running"}


class HashError(DialectError):
    family = ErrorFamily("#CME ERROR: ", TEXTS)


class Speed(DialectCommand):
    name = "#SPEED"
    forms = ("set", "read")
    syntax_code, value_code, error = SYNTAX, VALUE, HashError

    def __init__(self, state: dict) -> None:
        self.state = state

    def set(self, call):
        p = self.params(call)
        p.count(1, 2)
        speed = p.int(0, 1, 9)
        if p.present(1):
            # a failure that comes later, through a Deferred
            return defer.fail(HashError(BUSY_OLD))
        self.state["speed"] = speed
        return None

    def read(self, call):
        call.info(f"#SPEED: {self.state['speed']}")

    def reported(self, error):
        # a revision that renumbered one code
        if isinstance(error, HashError) and error.code == BUSY_OLD:
            return HashError(BUSY)
        return error


def bench(cmee: int, traits: Traits | None = None) -> Bench:
    state = {"speed": 1}
    b = Bench(install=lambda modem, table: Speed(state).register(table), traits=traits)
    b.send(f"ATE0+CMEE={cmee}\r".encode())
    return b


def line(text: str) -> bytes:
    return f"\r\n{text}\r\n".encode()


@pytest.mark.parametrize(("typed", "code"), [
    ("#SPEED=", SYNTAX), ("#SPEED=X", SYNTAX), ("#SPEED=1,2,3", SYNTAX), ("#SPEED=0", VALUE),
    ("#SPEED=4,1", BUSY)])
def test_failures_in_the_dialects_family(typed, code):
    assert bench(1).send(f"AT{typed}\r".encode()) == line(f"#CME ERROR: {code}")
    assert bench(2).send(f"AT{typed}\r".encode()) == line(f"#CME ERROR: {TEXTS[code]}")
    assert bench(0).send(f"AT{typed}\r".encode()) == line("ERROR")


def test_the_command_works_and_unlisted_forms_are_not_there():
    b = bench(1)
    assert b.send(b"AT#SPEED=7\r") == line("OK")
    assert b.send(b"AT#SPEED?\r") == line("#SPEED: 7") + line("OK")
    assert b.send(b"AT#SPEED=?\r") == line("+CME ERROR: 4")  # unsupported form (27.007)


def test_a_family_that_ignores_cmee():
    class Always(HashError):
        family = ErrorFamily("#CME ERROR: ", TEXTS, follows_cmee=False)

    class Strict(Speed):
        error = Always

    state = {"speed": 1}
    b = Bench(install=lambda modem, table: Strict(state).register(table))
    b.send(b"ATE0+CMEE=0\r")
    assert b.send(b"AT#SPEED=0\r") == line(f"#CME ERROR: {VALUE}")


def test_a_plain_error_when_no_code_is_declared():
    class Loose(Speed):
        syntax_code = None

    b = Bench(install=lambda modem, table: Loose({}).register(table))
    b.send(b"ATE0+CMEE=2\r")
    assert b.send(b"AT#SPEED=X\r") == line("ERROR")
    assert b.send(b"AT#SPEED=0\r") == line(f"#CME ERROR: {TEXTS[VALUE]}")


def test_the_27007_texts_come_from_the_traits():
    texts = {50: "wrong parameters, as this vendor words it"}
    b = bench(2, Traits(cme_texts=texts))
    assert b.send(b"ATX9\r") == line("ERROR")  # a basic command: plain ERROR
    assert b.send(b"AT+CMEE=7\r") == line("+CME ERROR: wrong parameters, as this vendor words it")


class Refusing(Speed):
    refuses_other_forms = True


def test_forms_a_command_does_not_have_answer_its_syntax_error_when_it_refuses_them():
    b = Bench(install=lambda modem, table: Refusing({"speed": 3}).register(table))
    b.send(b"ATE0+CMEE=1\r")
    assert b.send(b"AT#SPEED=?\r") == line(f"#CME ERROR: {SYNTAX}")
    assert b.send(b"AT#SPEED\r") == line(f"#CME ERROR: {SYNTAX}")
    assert b.send(b"AT#SPEED?\r") == line("#SPEED: 3") + line("OK")


class Level(DialectCommand):
    """One class, one command per row of a table."""

    forms = ("read",)

    def __init__(self, name: str, value: int) -> None:
        self.name, self.value = name, value

    def read(self, call):
        call.info(f"{self.name}: {self.value}")


def test_a_family_of_commands_from_a_table():
    def install(modem, table):
        for name, value in (("#LOW", 1), ("#HIGH", 9)):
            Level(name, value).register(table)

    b = Bench(install=install)
    b.send(b"ATE0\r")
    assert b.send(b"AT#LOW?\r") == line("#LOW: 1") + line("OK")
    assert b.send(b"AT#HIGH?\r") == line("#HIGH: 9") + line("OK")
