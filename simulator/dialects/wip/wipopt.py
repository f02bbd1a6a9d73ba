"""``+WIPOPT``: read or write an option of a socket or session (001 §5.3, 000 §6.3).

    AT+WIPOPT=<protocol>,<idx>,1,<optnum>            +WIPOPT: <protocol>,<optnum>,<optval>
    AT+WIPOPT=<protocol>,<idx>,2,<optnum>,<optval>   OK

The read line is the revision's (v2.01 adds the index).  The options and who may read or
write them are the tables of ``service_options``.
"""

from __future__ import annotations

from twisted.internet import defer

from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.command import WipCommand
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.indexes import SESSION_INDEXES
from simulator.dialects.wip.service_options import Access, Kind
from simulator.dialects.wip.wipclose import INDEX_RANGES

READ, WRITE = 1, 2


class WipOpt(WipCommand):
    name = "+WIPOPT"
    forms = ("set", "test")

    def set(self, call):
        p = self.params(call)
        p.count(4, 5)
        protocol, index, action, number = p.int(0), p.int(1), p.int(2), p.int(3)
        if action not in (READ, WRITE):
            raise WipError(Code.INVALID_OPTION)
        p.count(4, 4) if action == READ else p.count(5, 5)
        table = self.revision.service_options.get(protocol)
        if table is None or protocol not in self.revision.protocols:
            raise WipError(Code.BAD_PROTOCOL)
        if index not in INDEX_RANGES.get(protocol, SESSION_INDEXES):
            raise WipError(Code.BAD_INDEX)
        if not self.stack.started:
            raise WipError(Code.BAD_STACK_STATE)
        if number not in so.KNOWN_NUMBERS:
            raise WipError(Code.INVALID_OPTION)
        entry = table.get(number)
        if entry is None:
            raise WipError(Code.OPTION_NOT_SUPPORTED)
        sock = self.context.sockets.get((protocol, index))
        if sock is None:
            # "only when the socket/session (given by <idx>) is active else it returns
            # error" (001 §5.3.7): the code is not given; atsim answers "bad state".
            raise WipError(Code.BAD_STATE)
        option = entry.option
        line = self.revision.option_line

        def show(value) -> None:
            if option.kind is Kind.LIST:
                values = [f'"{v}"' for v in value]
            elif option.kind is Kind.STATUS:
                values = [f'{value[0]},"{value[1]}"']
            elif option.kind is Kind.TEXT:
                values = [f'"{value}"']
            else:
                values = [str(value)]
            for shown in values:
                call.info(line.format(protocol=protocol, index=index, option=number,
                                      value=shown))

        if action == READ:
            if Access.R not in entry.access:
                raise WipError(Code.OPTION_NOT_SUPPORTED)
            if option is so.HTTP_HEADER:
                raise WipError(Code.NOT_IMPLEMENTED)  # 001 §5.3.7.3 Caution
            return _then(sock.option_value(number), show)
        if Access.W not in entry.access:
            raise WipError(Code.OPTION_NOT_SUPPORTED)
        if option.kind is Kind.TEXT:
            value = p.str(4)
        else:
            value = p.int(4)
            if not option.accepts(value):
                raise WipError(Code.INVALID_OPTION_VALUE)
        done = sock.set_option(number, value)  # a session may answer once the server did
        if isinstance(done, defer.Deferred) and option is so.POP3_DELETE:
            return done.addCallback(show)  # the delete echoes its id (D48)
        return done


def _then(value, action):
    """``action(value)`` now, or once a Deferred value is known."""
    if isinstance(value, defer.Deferred):
        return value.addCallback(action)
    action(value)
    return None
