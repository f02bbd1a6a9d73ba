"""GenPro over real sockets on the real reactor (nothing leaves 127.0.0.1): the chapter 7
sessions with a socket or a file — a TCP client (§7.2.3, §7.2.4) reaching a host-side
server, a TCP server (§7.3.3, §7.3.4) reached from the host through ``expose:``, FTP GET
and PUT (§7.4.7) against the lab's FTP server with binary files full of DLE and ETX — and
1 MiB of random bytes each way through a socket, also one byte at a time."""

from __future__ import annotations

import ipaddress
import random
import shutil
import socket
import tempfile
from pathlib import Path

from twisted.internet import reactor, task, threads
from twisted.trial import unittest

from simulator.datamode.dle import escape
from simulator.dialects.genpro.connection import SETTLING
from simulator.modem.network import NetworkService
from simulator.network.spec import (
    ApnSpec,
    ExposeSpec,
    HostSpec,
    IpNetworkSpec,
    LinksSpec,
    ServiceSpec,
)
from simulator.scenario.model import NetworkSpec, RegistrationSpec
from tests.dialects.genpro.bench import OK, GenproBench, genpro_error, line
from tests.realtime import both_ways, host_server, until, wait

MIB = 1 << 20
DLE, ETX = b"\x10", b"\x03"
FAST_REGISTRATION = NetworkSpec(registration=RegistrationSpec(delay=0.0))
WAITING = line("Ok_Info_WaitingForData")
CLOSED = line("Ok_Info_SocketClosed")
DATA_BEGIN = line("Ok_Info_DataBegin")
USERS = (("username", "password"),)


class LabCase(unittest.TestCase):
    timeout = 120

    async def start(self, *, expose=()) -> GenproBench:
        scratch = tempfile.mkdtemp(prefix="atsim-genpro-lab-")
        self.addCleanup(shutil.rmtree, scratch, True)
        self.root = Path(scratch)
        ip = IpNetworkSpec(
            apns=(ApnSpec("*", ipaddress.IPv4Network("80.10.32.0/24"),
                          dns=(ipaddress.IPv4Address("10.64.255.53"),)),),
            hosts=(HostSpec("server.ftp.fr",
                            services=(ServiceSpec("ftp", root=self.root, users=USERS),)),
                   HostSpec("distantserver.com",
                            services=(ServiceSpec("echo", ports=(1025,)),))),
            allow=(ipaddress.IPv4Network("127.0.0.0/8"),),
            links=LinksSpec(default="ideal"))
        bench = GenproBench(ip=ip, reactor=reactor, network=FAST_REGISTRATION,
                            expose=expose)
        self.addCleanup(bench.network.stopService)
        self.addCleanup(bench.modem.power_off)
        self.bench = bench
        await until(lambda: bench.genpro.in_service)
        await until(lambda: b"+WIND: 13" in bytes(bench.port.host.received))  # §8
        bench.port.take()
        self.setup('#APNSERV="apn_serveur"', "+CGATT=1")  # §7.2.1: detached until then
        await until(lambda: bench.modem.service(NetworkService).ps_attached)
        await task.deferLater(reactor, SETTLING, lambda: None)  # §8: 500 ms after the OK
        answer = await self.at("#CONNECTIONSTART", "Ok_Info_GprsActivation\r\n")
        self.assertRegex(answer, r"^\r\n80\.10\.32\.\d+\r\n\r\nOk_Info_GprsActivation\r\n$")
        return bench

    def setup(self, *lines: str) -> None:
        for setting in lines:
            self.assertEqual(self.bench.port.at(setting), OK, setting)

    def received(self) -> bytes:
        return bytes(self.bench.port.host.received)

    async def until_received(self, end: bytes) -> bytes:
        try:
            await until(lambda: self.received().endswith(end), timeout=30)
        except AssertionError:
            raise AssertionError(f"received {self.received()!r}") from None
        data = self.received()
        self.bench.port.host.received.clear()
        return data

    async def at(self, command: str, end: str) -> str:
        self.bench.port.channel.receive(b"AT" + command.encode("latin-1") + b"\r")
        return (await self.until_received(end.encode("latin-1"))).decode("latin-1")


class TcpTests(LabCase):
    async def test_7_2_3_and_7_2_4_client_closed_by_the_hosts_etx(self):
        await self.start()
        self.setup('#TCPSERV=1,"distantserver.com"', '#TCPPOINT=1,"1025"')
        self.assertEqual(await self.at("#OTCP=1", WAITING), WAITING)
        self.bench.port.channel.receive(b"ping" + DLE + ETX + DLE + DLE)
        echoed = await self.until_received(DLE + DLE)
        self.assertEqual(echoed, b"ping" + DLE + ETX + DLE + DLE)
        self.bench.port.channel.receive(ETX)
        self.assertEqual(await self.until_received(CLOSED.encode()), CLOSED.encode())
        self.assertEqual(await self.at("#VSTATE", OK), line('#STATE: "CONNECTED"') + OK)
        self.assertEqual(await self.at("#CONNECTIONSTOP", OK), OK)  # §7.2.5

    async def test_peer_closing_shows_etx_then_socket_closed(self):
        await self.start()
        port, accepted = host_server(self)
        self.setup('#TCPSERV=2,"127.0.0.1"', f"#TCPPORT=2,{port}")
        self.assertEqual(await self.at("#OTCP=2", WAITING), WAITING)
        await until(lambda: accepted)
        accepted[0].transport.write(b"bye" + ETX)
        accepted[0].transport.loseConnection()
        self.assertEqual(await self.until_received(CLOSED.encode()),
                         b"bye" + DLE + ETX + ETX + CLOSED.encode())

    async def test_dlemode_0_passes_every_byte_and_shows_the_peers_close(self):
        await self.start()
        port, accepted = host_server(self)
        self.setup('#TCPSERV=1,"127.0.0.1"', f"#TCPPORT=1,{port}", "#DLEMODE=1,0",
                   "#TCPTXDELAY=1,0")
        self.assertEqual(await self.at("#OTCP=1", WAITING), WAITING)
        await until(lambda: accepted)
        self.bench.port.channel.receive(b"a" + ETX + DLE + b"b")
        await until(lambda: bytes(accepted[0].data) == b"a" + ETX + DLE + b"b")
        accepted[0].transport.write(b"c" + ETX)
        accepted[0].transport.loseConnection()
        self.assertEqual(await self.until_received(CLOSED.encode()),
                         b"c" + ETX + ETX + CLOSED.encode())

    async def test_7_3_3_and_7_3_4_server_reached_through_expose(self):
        await self.start(expose=[ExposeSpec("tcp", 1025, "tcp:0:interface=127.0.0.1")])
        self.setup('#TCPSERV=1,"255.255.255.255"', '#TCPPOINT=1,"1025"')
        self.assertEqual(await self.at("#LTCPSTART=1", OK), OK)
        await until(lambda: self.bench.network.exposures("genpro1")
                    and self.bench.network.exposures("genpro1")[0].port)
        [exposure] = self.bench.network.exposures("genpro1")

        def host_program():
            with socket.create_connection(("127.0.0.1", exposure.port), timeout=10) as s:
                s.sendall(b"hello modem")
                reply = s.recv(100)
                s.shutdown(socket.SHUT_WR)  # "Deconnexion" (§7.3.4)
                return reply

        result = threads.deferToThread(host_program)
        self.assertEqual(await self.until_received(b"hello modem"),
                         WAITING.encode() + b"hello modem")
        self.bench.port.channel.receive(b"hello host")
        self.assertEqual(await result, b"hello host")
        self.assertEqual(await self.until_received(CLOSED.encode()), ETX + CLOSED.encode())
        # "a new socket connexion must started with the command AT#LTCPSTART=1"
        self.assertEqual(await self.at("#LTCPSTART=1", OK), OK)
        self.assertEqual(await self.at("#LTCPSTOP=1", OK), OK)

    async def exchange(self, bytewise: bool) -> None:
        await self.start()
        port, accepted = host_server(self)
        self.setup('#TCPSERV=1,"127.0.0.1"', f"#TCPPORT=1,{port}")
        self.assertEqual(await self.at("#OTCP=1", WAITING), WAITING)
        await until(lambda: accepted)
        peer = accepted[0]
        rng = random.Random(11 + bytewise)
        up, down = rng.randbytes(MIB), rng.randbytes(MIB)
        received = await both_ways(self.bench.port, peer, up=up, wire=escape(up), down=down,
                                   expected_down=escape(down), bytewise=bytewise)
        self.assertEqual(bytes(peer.data), up)
        self.assertEqual(received, escape(down))
        self.bench.port.channel.receive(ETX)
        self.assertEqual(await self.until_received(CLOSED.encode()), CLOSED.encode())
        await until(lambda: peer.lost)
        self.assertEqual(self.bench.genpro.resources.held, frozenset())

    async def test_one_mib_each_way(self):
        await self.exchange(bytewise=False)

    async def test_one_mib_each_way_written_one_byte_at_a_time(self):
        await self.exchange(bytewise=True)


class FtpTests(LabCase):
    async def ftp(self):
        bench = await self.start()
        self.setup("#FTPMODE=1", '#FTPSERV="server.ftp.fr"', '#FTPUN="username"',
                   '#FTPPW="password"', '#FTPPORT="21"', '#FTPGETPATH="."', '#FTPPUTPATH="."',
                   '#FTPTYPE="I"')
        return bench

    async def get(self, name: str, content: bytes) -> bytes:
        (self.root / name).write_bytes(content)
        self.setup(f'#FTPGETFILENAME="{name}"')
        answer = await self.at("#FTPGET", OK)
        self.assertTrue(answer.startswith(DATA_BEGIN))
        return answer[len(DATA_BEGIN):].encode("latin-1")

    async def put(self, name: str, wire: bytes) -> str:
        self.setup(f'#FTPPUTFILENAME="{name}"')
        self.assertEqual(await self.at("#FTPPUT", DATA_BEGIN), DATA_BEGIN)
        self.bench.port.channel.receive(wire)
        return (await self.until_received(OK.encode())).decode("latin-1")

    async def test_7_4_7_reception_examples(self):
        await self.ftp()
        plain = b"datadatadatadatadatadatadatadatadatadatadat"
        self.assertEqual(await self.get("a.txt", plain), plain + ETX + OK.encode())
        ending = b"datadatdatadatadatadatadatadatadatadatadat" + ETX
        self.assertEqual(await self.get("b.txt", ending),
                         ending[:-1] + DLE + ETX + ETX + OK.encode())
        self.assertEqual(await self.get("c.txt", b"0123456" + DLE + b"654321" + ETX + b"123456"),
                         b"0123456" + DLE + DLE + b"654321" + DLE + ETX + b"123456" + ETX
                         + OK.encode())

    async def test_7_4_7_transmission_example(self):
        await self.ftp()
        wire = b"0123456" + DLE + DLE + b"654321" + DLE + ETX + b"123456" + ETX
        self.assertEqual(await self.put("d.txt", wire), OK)
        self.assertEqual((self.root / "d.txt").read_bytes(),
                         b"0123456" + DLE + b"654321" + ETX + b"123456")

    async def test_binary_files_full_of_dle_and_etx_both_ways_in_active_mode(self):
        await self.ftp()
        self.setup("#FTPMODE=0")  # §3.1.2: the server connects to the modem
        rng = random.Random(5)
        content = bytes(rng.choice(b"\x10\x03\x00\xff") for _ in range(20000)) \
            + rng.randbytes(50000)
        self.assertEqual(await self.put("up.bin", escape(content) + ETX), OK)
        self.assertEqual((self.root / "up.bin").read_bytes(), content)
        self.assertEqual(await self.get("up.bin", content), escape(content) + ETX + OK.encode())

    async def test_3_1_3_ascii_type_clears_the_high_bit_of_an_upload(self):
        await self.ftp()
        self.setup('#FTPTYPE="A"')
        self.assertEqual(await self.put("seven.txt", b"caf\xe9" + ETX), OK)
        self.assertEqual((self.root / "seven.txt").read_bytes(), b"cafi")

    async def test_8_invalid_server_name_and_3_2_2_unresolved_name(self):
        await self.ftp()
        self.setup('#FTPSERV="no such server"', '#FTPGETFILENAME="a.txt"')
        handler = "ErrorHandler_ip: Error 17 (ADL Release memory error...)"
        self.assertEqual(await self.at("#FTPGET", handler + "\r\n"),
                         genpro_error(0) + line(handler) + line(handler))
        self.setup('#FTPSERV="nowhere.lab"')
        self.assertEqual(await self.at("#FTTPUT", "\r\n#CME ERROR: 38027\r\n"),
                         genpro_error(38027))

    async def test_missing_file_and_wrong_path(self):
        await self.ftp()
        self.setup('#FTPGETFILENAME="absent.bin"')
        answer = await self.at("#FTPGET", "\r\n")
        await wait(0.2)
        answer += self.bench.port.take()
        self.assertRegex(answer, r"^\r\n#CME ERROR: \d+\r\n$")
        self.assertNotIn("Ok_Info_DataBegin", answer)
        self.setup('#FTPGETPATH="/nowhere"')
        self.assertEqual(await self.at("#FTPGET", "\r\n#CME ERROR: 38022\r\n"),
                         genpro_error(38022))
