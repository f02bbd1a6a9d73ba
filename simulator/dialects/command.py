"""The base of a vendor dialect's commands.

A command is a class that declares what the skeleton of every handler used to repeat:

* ``name`` and ``forms``: the command as typed (``"+WIPCFG"``, ``"#CONNECTIONSTART"``) and
  the forms it has, each answered by the method of that name (``exec``, ``set``, ``read``,
  ``test``);
* how its parameters are read (``params(call)``, a ``simulator.at.params.Params``): the
  syntax its family of commands tolerates (``quoted_numbers``, ``unquoted_text``,
  ``keep_case``) and what a
  syntax error and a bad value answer (``syntax_code``, ``value_code`` raised as ``error``;
  a code of None is plain ``ERROR``);
* how its failures are reported (``reported``): a hook that turns what a handler raised —
  at once or through a Deferred — into what the host sees, e.g. a firmware revision that
  renumbers a code or answers one fixed code for every failure of the command;
* what the forms it does not have answer (``refuses_other_forms``): by default the command
  table's answer to an unsupported form; a dialect whose application reads every form
  itself answers them with its syntax error (``refuse``).

A family of commands that differ only in data (one per row of a parameter table) is one
class whose instances set ``name`` in their constructor.

The command gets what it works on from its constructor (a dialect passes a narrow context,
not its whole service), and ``register`` adds its forms to the command table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from simulator.at.commands import AtError, CmeError
from simulator.at.params import Params

if TYPE_CHECKING:
    from simulator.at.commands import Call, CommandTable, Handler

#: Every form a command line can take.
ALL_FORMS = ("exec", "set", "read", "test")


class DialectCommand:
    name: ClassVar[str]
    forms: ClassVar[tuple[str, ...]] = ()
    #: ``"587"`` is read as a number where one belongs (spaces in the quotes ignored).
    quoted_numbers: ClassVar[bool] = False
    #: A bare word is read as the text where a string belongs.
    unquoted_text: ClassVar[bool] = False
    #: What a line without the command's syntax fails with (None: plain ``ERROR``).
    syntax_code: ClassVar[int | None] = None
    #: What a bad value fails with when the handler names no code of its own.
    value_code: ClassVar[int | None] = None
    #: The exception the codes are raised as (``CmeError``, or a dialect's ``DialectError``).
    error: ClassVar[type[AtError]] = CmeError
    #: A bare word keeps the case it was typed in (``Param.as_typed``).
    keep_case: ClassVar[bool] = False
    #: The forms not in ``forms`` answer ``refuse`` (else the table's unsupported form).
    refuses_other_forms: ClassVar[bool] = False

    # -- parameters -----------------------------------------------------------------------

    def params(self, call: Call) -> Params:
        return Params(call.command.params, self.syntax_error, self.value_error,
                      quoted_numbers=self.quoted_numbers, unquoted_text=self.unquoted_text,
                      keep_case=self.keep_case)

    def syntax_error(self) -> AtError:
        return self._failure(self.syntax_code)

    def value_error(self, code: int | None = None) -> AtError:
        return self._failure(self.value_code if code is None else code)

    def _failure(self, code: int | None) -> AtError:
        return AtError(self.name) if code is None else self.error(code)

    # -- reporting ------------------------------------------------------------------------

    def reported(self, error: AtError) -> AtError:
        """What the host sees for ``error`` a handler raised; as raised unless a dialect
        translates it."""
        return error

    # -- registration ---------------------------------------------------------------------

    def refuse(self, call: Call) -> Any:
        """A form the command does not have, when ``refuses_other_forms``: its syntax error."""
        raise self.syntax_error()

    def handlers(self) -> dict[str, Handler]:
        handlers = {form: self._reporting(getattr(self, form)) for form in self.forms}
        if self.refuses_other_forms:
            for form in ALL_FORMS:
                handlers.setdefault(form, self._reporting(self.refuse))
        return handlers

    def register(self, table: CommandTable) -> None:
        table.add(self.name, **self.handlers())

    def _reporting(self, handler: Handler) -> Handler:
        def run(call: Call) -> Any:
            try:
                outcome = handler(call)
            except AtError as error:
                raise self.reported(error) from None
            if isinstance(outcome, Deferred):
                outcome.addErrback(self._translate)
            return outcome

        run.__name__ = getattr(handler, "__name__", "handler")
        return run

    def _translate(self, failure: Failure) -> Failure:
        if failure.check(AtError):
            shown = self.reported(failure.value)
            if shown is not failure.value:
                return Failure(shown)
        return failure

