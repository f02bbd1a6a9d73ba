"""The start-up checks against limits given as values: what is a problem and what is not."""

from __future__ import annotations

import resource
import socket

from simulator.limits import (
    FILES_FOR_ATSIM,
    Demand,
    SystemLimits,
    _devpts_max,
    open_files_problem,
    open_files_warning,
    pty_problem,
    raise_open_files,
    tcp_port_problem,
)

UNLIMITED = resource.RLIM_INFINITY


def limits(**changes) -> SystemLimits:
    values = dict(pty_max=4096, ptys_in_use=10, devpts_max=None, open_files=1024,
                  open_files_hard=4096)
    values.update(changes)
    return SystemLimits(**values)


def test_ptys_count_against_what_the_kernel_has_left():
    assert pty_problem(Demand(ptys=4086), limits()) is None
    problem = pty_problem(Demand(ptys=4087), limits())
    assert problem.startswith("the scenario needs 4,087 PTYs but the kernel allows 4,096 "
                              "(kernel.pty.max) and 10 are in use (kernel.pty.nr), leaving "
                              "4,086: raise it with `sysctl -w kernel.pty.max=5121`")


def test_a_devpts_mount_limit_counts_too():
    assert "max=100" in pty_problem(Demand(ptys=101), limits(devpts_max=100))
    assert pty_problem(Demand(ptys=100), limits(devpts_max=100)) is None


def test_devpts_max_is_read_from_the_mount_options(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text("proc /proc proc rw 0 0\n"
                      "devpts /dev/pts devpts rw,nosuid,mode=620,ptmxmode=666,max=1024 0 0\n")
    assert _devpts_max(mounts) == 1024
    mounts.write_text("devpts /dev/pts devpts rw,mode=600,ptmxmode=000 0 0\n")
    assert _devpts_max(mounts) is None


def test_open_files_fit_under_the_hard_limit_or_say_how_to_raise_it():
    demand = Demand(ptys=1000, listening=1000)
    assert demand.files_to_start == 2000 + FILES_FOR_ATSIM
    assert demand.files == 3000 + FILES_FOR_ATSIM
    assert open_files_problem(demand, limits()) is None  # the soft limit can be raised
    assert open_files_problem(demand, limits(open_files=UNLIMITED,
                                             open_files_hard=UNLIMITED)) is None
    assert open_files_problem(demand, limits(open_files_hard=2064)) is None  # ports fit
    problem = open_files_problem(demand, limits(open_files_hard=2063))
    assert "ports need about 2,064 open files (1,000 PTY port(s), 1,000 TCP/RFC 2217 " \
           "port(s), 64 for atsim itself) but this process may open only 2,063" in problem
    assert "LimitNOFILE=3064" in problem  # with room for the hosts


def test_ports_that_fit_without_a_host_each_start_with_a_warning_saying_how_many_may_have_one():
    demand = Demand(ptys=1000, listening=1000)
    assert open_files_warning(demand, limits(open_files_hard=3064)) is None
    assert open_files_warning(Demand(ptys=5000), limits(open_files_hard=5064)) is None
    warning = open_files_warning(demand, limits(open_files_hard=2564))
    assert warning.startswith(
        "the open-file limit (2,564, RLIMIT_NOFILE hard limit) leaves room for about 500 of "
        "the 1,000 hosts the scenario's TCP/RFC 2217 ports and exposed listeners may have at "
        "once (3,064 open files with all of them: 1,000 PTY port(s), 1,000 TCP/RFC 2217 "
        "port(s) with a host each (2,000), 64 for atsim itself); a host beyond that is "
        "accepted and closed at once")
    assert "ulimit -Hn 3064" in warning


def setrlimit_calls(monkeypatch, refused=()):
    """What ``raise_open_files`` asks of ``setrlimit``; soft limits in ``refused`` fail."""
    calls = []

    def setrlimit(kind, values):
        assert kind == resource.RLIMIT_NOFILE
        calls.append(values)
        if values[0] in refused:
            raise ValueError("not allowed")

    monkeypatch.setattr("simulator.limits.resource.setrlimit", setrlimit)
    return calls


def test_the_soft_open_file_limit_is_raised_to_the_hard_one(monkeypatch):
    calls = setrlimit_calls(monkeypatch)
    raise_open_files(Demand(listening=10), limits(open_files=1024, open_files_hard=20000))
    assert calls == [(20000, 20000)]  # beyond the need (84): the need is an estimate


def test_a_soft_limit_already_at_the_hard_one_is_left_alone(monkeypatch):
    calls = setrlimit_calls(monkeypatch)
    raise_open_files(Demand(listening=10), limits(open_files=4096, open_files_hard=4096))
    raise_open_files(Demand(listening=10), limits(open_files=UNLIMITED,
                                                 open_files_hard=UNLIMITED))
    assert calls == []


def test_an_unlimited_or_refused_hard_limit_raises_the_soft_one_to_the_need(monkeypatch):
    demand = Demand(listening=1000)  # 2,064 files
    calls = setrlimit_calls(monkeypatch)
    raise_open_files(demand, limits(open_files=1024, open_files_hard=UNLIMITED))
    assert calls == [(2064, UNLIMITED)]
    calls = setrlimit_calls(monkeypatch, refused={8192})
    raise_open_files(demand, limits(open_files=1024, open_files_hard=8192))
    assert calls == [(8192, 8192), (2064, 8192)]


def test_a_listening_port_is_in_use_and_a_free_one_is_not():
    with socket.socket() as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        busy = occupant.getsockname()[1]
        problem = tcp_port_problem("m tcp", (socket.AF_INET, "127.0.0.1", busy))
    assert problem.startswith(f"m tcp: 127.0.0.1 port {busy} is already in use")
    assert tcp_port_problem("m tcp", (socket.AF_INET, "127.0.0.1", busy)) is None
