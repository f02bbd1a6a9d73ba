"""27.010 (CMUX) frames per second through atsim's DCE, next to the frame codec alone.

    python benchmarks/cmux_frames.py [--commands 20000] [--batch 10] [--option basic|advanced]
                                     [--json]

One process, no sockets: what is measured is the multiplexer's own work.

* **atsim**: a generic modem from a scenario, its port's channel driven directly: the host
  sends ``AT+CMUX=<option>``, opens DLC 0 and DLC 1 (SABM), then ``--commands`` times an
  ``AT`` command line in a UIH frame on DLC 1, ``--batch`` frames per write; each is decoded,
  run by DLC 1's AT interpreter, and answered with a UIH frame (``OK``).  Timed: the
  channel's ``receive`` calls, which include encoding the answers; the host's side (building
  the frames beforehand, decoding the answers afterwards, to check them) is not.
* **floor**: the codec alone on the same frames: decode each host frame, encode its answer.

Frames per second count both directions (one frame in and one out per command), over the
wall time and over the CPU time the process used meanwhile (steadier on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hostend import RecordingHost  # noqa: E402  (a script beside this one)
from twisted.internet import task  # noqa: E402

from simulator.cmux.decoder import AdvancedDecoder, BasicDecoder  # noqa: E402
from simulator.cmux.frames import Frame, FrameKind, Option, encode  # noqa: E402
from simulator.line import Channel  # noqa: E402
from simulator.scenario.loader import load  # noqa: E402
from simulator.service import make_service  # noqa: E402

COMMAND = b"AT\r"
ANSWER = b"\r\nOK\r\n"


def decoder_for(option: Option):
    return BasicDecoder() if option is Option.BASIC else AdvancedDecoder()


def frames_in(data: bytes, option: Option) -> list:
    decoder = decoder_for(option)
    decoder.receive_data(data)
    events = []
    while (event := decoder.next_event()) is not None:
        events.append(event)
    return events


def modem_channel(directory: Path) -> Channel:
    scenario = directory / "cmux.yaml"
    scenario.write_text('modems:\n  - name: mux-1\n    ports: [{tcp: "tcp:0"}]\n')
    clock = task.Clock()
    service = make_service(load(scenario), reactor=clock, seed=1, state_dir=directory / "s")
    modem = service.modems[0]
    modem.power_on()
    return modem.interpreters[0].channel


def uih(dlci: int, information: bytes, option: Option) -> bytes:
    return encode(Frame(FrameKind.UIH, dlci, cr=True, information=information), option)


def through_the_dce(args: argparse.Namespace, option: Option) -> dict:
    with tempfile.TemporaryDirectory(prefix="atsim-cmux-") as tmp:
        channel = modem_channel(Path(tmp))
        host = RecordingHost()
        channel.attach_host(host)
        channel.receive(f"ATE0+CMUX={option.value}\r".encode())
        opening = b"".join(encode(Frame(FrameKind.SABM, dlci, cr=True, pf=True), option)
                           for dlci in (0, 1))
        channel.receive(opening)
        channel.receive(uih(1, b"ATE0\r", option))
        host.received.clear()
        frame = uih(1, COMMAND, option)
        writes = [frame * args.batch] * (args.commands // args.batch)
        commands = len(writes) * args.batch
        started, cpu = time.perf_counter(), time.process_time()
        for data in writes:
            channel.receive(data)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        answers = frames_in(bytes(host.received), option)
    good = sum(1 for f in answers if isinstance(f, Frame) and f.kind is FrameKind.UIH
               and f.dlci == 1 and f.information == ANSWER)
    if good != commands:
        sys.exit(f"expected {commands} OK frames on DLC 1, got {good} "
                 f"(of {len(answers)} events)")
    return figures(commands, elapsed, cpu)


def figures(commands: int, elapsed: float, cpu: float) -> dict:
    return {"frames_per_s": round(2 * commands / elapsed), "seconds": round(elapsed, 3),
            "frames_per_cpu_s": round(2 * commands / cpu) if cpu else None,
            "cpu_us_per_frame": round(cpu / (2 * commands) * 1e6, 2), "commands": commands}


def codec_alone(args: argparse.Namespace, option: Option) -> dict:
    frame = uih(1, COMMAND, option)
    writes = [frame * args.batch] * (args.commands // args.batch)
    commands = len(writes) * args.batch
    answer = Frame(FrameKind.UIH, 1, cr=False, information=ANSWER)
    decoder = decoder_for(option)
    out = []
    started, cpu = time.perf_counter(), time.process_time()
    for data in writes:
        decoder.receive_data(data)
        while (event := decoder.next_event()) is not None:
            if event.information == COMMAND:
                out.append(encode(answer, option))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    assert len(out) == commands
    return figures(commands, elapsed, cpu)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", type=int, default=20000,
                        help="AT commands sent on DLC 1 [20000]")
    parser.add_argument("--batch", type=int, default=10, help="frames per host write [10]")
    parser.add_argument("--option", choices=("basic", "advanced"), default="basic",
                        help="27.010 option (+CMUX=0 basic, =1 advanced) [basic]")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    option = Option.BASIC if args.option == "basic" else Option.ADVANCED
    atsim = through_the_dce(args, option)
    floor = codec_alone(args, option)
    share = atsim["frames_per_s"] / floor["frames_per_s"]
    if args.json:
        print(json.dumps({"benchmark": "cmux_frames", "option": args.option,
                          "batch": args.batch, "atsim": atsim, "floor": floor,
                          "floor_is": "the frame codec alone (decode, encode)",
                          "share_of_floor": round(share, 3)}, indent=2))
        return
    print(f"{atsim['commands']:,} AT commands in UIH frames on DLC 1 ({args.option} option), "
          f"{args.batch} frames per host write; a frame in and a frame out per command")
    print(f"{'what':<8} {'frames/s':>10} {'per CPU s':>10} {'CPU us/frame':>13}")
    for name, result in (("atsim", atsim), ("floor", floor)):
        print(f"{name:<8} {result['frames_per_s']:>10,} {result['frames_per_cpu_s']:>10,} "
              f"{result['cpu_us_per_frame']:>13.2f}")
    print(f"atsim: {share:.0%} of the floor (floor: the frame codec alone)")


if __name__ == "__main__":
    main(sys.argv[1:])
