"""A lab service moved off its well-known ports (``ports:``)."""

from simulator.scenario.model import ServiceSpec


def test_a_service_answers_on_its_own_ports_with_each_protocol_of_its_kind():
    assert ServiceSpec("echo").endpoints == (("tcp", 7), ("udp", 7))
    assert ServiceSpec("echo", ports=(3000, 5092)).endpoints == (
        ("tcp", 3000), ("udp", 3000), ("tcp", 5092), ("udp", 5092))
    assert ServiceSpec("http", ports=(8080,)).endpoints == (("tcp", 8080),)


def test_ports_are_read_from_the_scenario(scenario):
    loaded = scenario.load(
        "network:\n  hosts:\n    echo.lab:\n      services:\n"
        "        echo: {ports: [3000, 5000]}\n        daytime: {ports: 1313}\n"
        "modems:\n  - name: m\n")
    (host,) = loaded.network.hosts
    assert host.services == (ServiceSpec("echo", ports=(3000, 5000)),
                             ServiceSpec("daytime", ports=(1313,)))


def test_a_port_out_of_range_points_at_the_line(scenario):
    error = scenario.error(
        "network:\n  hosts:\n    echo.lab:\n      services:\n"
        "        echo: {ports: [3000, 70000]}\nmodems:\n  - name: m\n")
    assert "5: network.hosts.echo.lab.services.echo.ports[1]" in error
