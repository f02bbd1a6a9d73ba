"""The V.250 engine's own commands: E Q V X Z &F &W &V &C &D &Y S-registers O H, and +CMEE
(27.007 §9.1), which only changes how results are shown.

Basic commands take a single digit value; a value outside the command's set answers ERROR
(V.250 §5.3.1: "if the value is not recognized, the DCE issues ERROR").
"""

from __future__ import annotations

from typing import Any

from simulator.at.commands import AtError, CommandTable
from simulator.at.session import SREGISTER_RANGES


def _basic_setting(field: str, allowed: range, convert=int):
    """A basic command that sets one profile field, ``ATE`` meaning ``ATE0``."""

    def handler(call: Any) -> None:
        value = call.command.value or 0
        if value not in allowed:
            raise AtError(call.command.name)
        setattr(call.session.profile, field, convert(value))
        if field == "dcd_mode":
            call.interpreter.set_profile(call.session.profile)

    return handler


def _profile_index(call: Any) -> int:
    index = call.command.value or 0
    if index >= call.session.traits.profiles:
        raise AtError(call.command.name)
    return index


def reset_z(call: Any) -> None:
    """ATZ[n]: hang up, then load stored profile n (factory values if none was stored)."""
    index = _profile_index(call)
    interpreter = call.interpreter
    interpreter.hangup_for_command()
    profile = interpreter.stored_profile(index) or call.session.traits.factory_profile.copy()
    interpreter.set_profile(profile)


def factory(call: Any) -> None:
    """AT&F[0]: factory profile, not stored."""
    if call.command.value not in (None, 0):
        raise AtError("&F")
    call.interpreter.set_profile(call.session.traits.factory_profile.copy())


def write_profile(call: Any) -> None:
    """AT&W[n]: store the active profile in non-volatile memory."""
    call.interpreter.store_profile(_profile_index(call))


def power_on_profile(call: Any) -> None:
    """AT&Y[n]: which stored profile is loaded at power-on (kept in non-volatile memory)."""
    index = _profile_index(call)
    call.modem.store.put("power_on_profile", index)


def _profile_lines(profile) -> list[str]:
    flags = (
        f"E{int(profile.echo)} Q{int(profile.quiet)} V{int(profile.verbose)} X{profile.x} "
        f"&C{profile.dcd_mode} &D{profile.dtr_mode} +CMEE: {profile.cmee}"
    )
    regs = " ".join(f"S{n:02d}:{v:03d}" for n, v in sorted(profile.sregs.items()))
    return [flags, regs]


def view_profiles(call: Any) -> None:
    """AT&V: the active profile and every stored one."""
    if call.command.value not in (None, 0):
        raise AtError("&V")
    call.info("ACTIVE PROFILE:")
    for line in _profile_lines(call.session.profile):
        call.info(line)
    for index in range(call.session.traits.profiles):
        stored = call.interpreter.stored_profile(index)
        if stored is None:
            continue
        call.info("")
        call.info(f"STORED PROFILE {index}:")
        for line in _profile_lines(stored):
            call.info(line)


def _register(call: Any) -> int:
    register = call.command.register
    if register is None or register not in SREGISTER_RANGES:
        raise AtError("S")
    return register


def read_register(call: Any) -> None:
    """ATSn?: the value as three digits (V.250 §6.3)."""
    call.info(f"{call.session.sregs[_register(call)]:03d}")


def set_register(call: Any) -> None:
    register = _register(call)
    bounds = SREGISTER_RANGES[register]
    value = call.command.value
    if bounds is None or not bounds[0] <= value <= bounds[1]:
        raise AtError("S")
    call.session.sregs[register] = value


def online(call: Any) -> Any:
    """ATO[0]: return to data mode."""
    if call.command.value not in (None, 0):
        raise AtError("O")
    return call.interpreter.resume(call)


def hang_up(call: Any) -> None:
    """ATH[0]: clear the data connection held in online command state."""
    if call.command.value not in (None, 0):
        raise AtError("H")
    call.interpreter.hangup_for_command()


def cmee_set(call: Any) -> None:
    p = call.params
    p.at_most(1)
    call.session.profile.cmee = p.int(0, 0, 2, default=0)


def cmee_read(call: Any) -> None:
    call.info(f"+CMEE: {call.session.profile.cmee}")


def cmee_test(call: Any) -> None:
    call.info("+CMEE: (0-2)")


def register(table: CommandTable) -> None:
    table.add("E", exec=_basic_setting("echo", range(2), bool))
    table.add("Q", exec=_basic_setting("quiet", range(2), bool))
    table.add("V", exec=_basic_setting("verbose", range(2), bool))
    table.add("X", exec=_basic_setting("x", range(5)))
    table.add("&C", exec=_basic_setting("dcd_mode", range(2)))
    table.add("&D", exec=_basic_setting("dtr_mode", range(3)))
    table.add("Z", exec=reset_z)
    table.add("&F", exec=factory)
    table.add("&W", exec=write_profile)
    table.add("&Y", exec=power_on_profile)
    table.add("&V", exec=view_profiles)
    table.add("S", read=read_register, set=set_register)
    table.add("O", exec=online)
    table.add("H", exec=hang_up)
    table.add("+CMEE", set=cmee_set, read=cmee_read, test=cmee_test, exec=cmee_set)
