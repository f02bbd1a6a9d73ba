"""A modem's observers and hooks: kept in order, removed once, and a tuple that a hook
changes while it is being iterated stays as it was for that round."""

from tests.modem.bench import OK, Bench


def test_hooks_are_kept_in_order_and_removed_once():
    bench = Bench(registered=True)
    modem = bench.modem
    assert modem.observers == () and modem.line_hooks == ()

    def first(*_):
        return None

    def second(*_):
        return None

    modem.add_hook("observers", first)
    modem.add_hook("observers", second)
    assert modem.observers == (first, second)
    modem.remove_hook("observers", first)
    modem.remove_hook("observers", first)  # not there any more: nothing happens
    assert modem.observers == (second,)
    modem.remove_hook("observers", second)
    assert modem.observers == ()


def test_a_hook_that_removes_itself_while_called_leaves_the_others_their_turn():
    bench = Bench(registered=True)
    modem = bench.modem
    seen = []

    def once(interpreter, line):
        seen.append(("once", line))
        modem.remove_hook("line_hooks", once)
        return False  # the command runs

    def always(interpreter, line):
        seen.append(("always", line))
        return False

    modem.add_hook("line_hooks", once)
    modem.add_hook("line_hooks", always)
    assert bench.at("") == OK
    assert bench.at("") == OK
    assert seen == [("once", "AT"), ("always", "AT"), ("always", "AT")]
    assert modem.line_hooks == (always,)
