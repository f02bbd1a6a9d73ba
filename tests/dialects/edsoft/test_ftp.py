"""``AT#FTPGET`` and ``AT#FTPPUT`` (002 §4.2, §4.3, A.7) against the lab's FTP server:
the manual's sessions byte for byte, files full of DLE and ETX both ways, and every way a
transfer can fail (decisions E82-E85)."""

from __future__ import annotations

import random

from simulator.datamode.dle import escape
from simulator.dialects.atsharp.link import Resource
from tests.dialects.edsoft.bench import OK, edsoft_error, info
from tests.dialects.edsoft.lab import LabCase, wait

DATA_BEGIN = "\r\nOk_Info_DataBegin\r\n"
WAITING = "\r\nOk_Info_WaitingForData\r\n"
ETX = "\x03"
#: The bytes the escaping is about, and every other byte value.
AWKWARD = bytes([0x10, 0x03, 0x10, 0x10, 0x03, 0x03, 0xFF, 0x00, 0x0D, 0x0A]) * 300 \
    + bytes(range(256)) * 16


class FtpCase(LabCase):
    async def configure(self, *lines: str) -> None:
        for line in ('#FTPSERV="ftp.domain.com"', '#FTPUN="ftplogin"',
                     '#FTPPW="ftppassword"', *lines):
            self.assertEqual(await self.at(line), OK, line)

    async def download(self) -> str:
        return await self.at("#FTPGET", ends=(OK, "\r\n"))

    async def upload(self, payload: bytes) -> str:
        self.assertEqual(await self.at("#FTPPUT"), WAITING)
        return await self.data(escape(payload) + b"\x03", ends=(OK, "\r\n"))


class ManualSessions(FtpCase):
    async def test_a_7_1_upload_a_file(self):
        await self.online()
        # A.7.1 sets FTPSERV to "pop3.domain.com" (a copy of A.6.2): the lab's FTP server
        # is ftp.domain.com.
        for line in ('#FTPSERV="ftp.domain.com"', '#FTPUN="ftplogin"', '#FTPPW="ftppassword"',
                     '#FTPPUTFILENAME="upload.txt"', '#FTPPUTPATH="."'):
            self.assertEqual(await self.at(line), OK)
        self.assertEqual(await self.at("#FTPput"), WAITING)
        # The data is not echoed; the ETX that ends it is (A.7.1, E85).
        self.assertEqual(await self.data(b"Hello FTP server\r\n\x03"), ETX + OK)
        self.assertEqual((self.root / "upload.txt").read_bytes(), b"Hello FTP server\r\n")

    async def test_a_7_2_download_a_file(self):
        await self.online()
        (self.root / "upload.txt").write_bytes(b"Hello FTP server\r\n")
        for line in ('#FTPSERV="ftp.domain.com"', '#FTPUN="ftplogin"', '#FTPPW="ftppassword"',
                     '#FTPGETFILENAME="upload.txt"'):
            self.assertEqual(await self.at(line), OK)
        self.assertEqual(await self.at("#FTPget", ends=(OK,)),
                         DATA_BEGIN + "Hello FTP server\r\n" + ETX + OK)

    async def test_4_2_2_the_dle_and_etx_of_the_file_are_escaped(self):
        await self.online()
        (self.root / "f.bin").write_bytes(b"a\x03b\x10c")
        await self.configure('#FTPGETFILENAME="f.bin"')
        self.assertEqual(await self.download(),
                         DATA_BEGIN + "a\x10\x03b\x10\x10c" + ETX + OK)


    async def test_atv0_shows_the_messages_numbers(self):
        await self.online()
        (self.root / "f.txt").write_bytes(b"text")
        await self.configure('#FTPGETFILENAME="f.txt"', '#FTPPUTFILENAME="g.txt"')
        self.assertEqual(await self.at("V0", ends=("0\r",)), "0\r")
        self.assertEqual(await self.at("#FTPGET", ends=("text\x030\r",)),
                         "1025\rtext\x030\r")
        self.assertEqual(await self.at("#FTPPUT", ends=("1028\r",)), "1028\r")
        self.assertEqual(await self.data(b"g\x03", ends=("\x030\r",)), "\x030\r")
        self.assertEqual((self.root / "g.txt").read_bytes(), b"g")


class BinaryFiles(FtpCase):
    async def test_files_full_of_dle_and_etx_keep_every_byte_both_ways(self):
        await self.online()
        payload = AWKWARD + random.Random(7).randbytes(64 * 1024)
        await self.configure('#FTPPUTFILENAME="awkward.bin"', '#FTPGETFILENAME="awkward.bin"')
        self.assertEqual(await self.upload(payload), ETX + OK)
        self.assertEqual((self.root / "awkward.bin").read_bytes(), payload)
        answer = await self.download()
        head = len(DATA_BEGIN.encode())
        raw = answer.encode("latin-1")
        self.assertEqual(raw[:head], DATA_BEGIN.encode())
        self.assertEqual(raw[head:], escape(payload) + b"\x03" + OK.encode())

    async def test_the_host_writing_one_byte_at_a_time(self):
        await self.online()
        payload = AWKWARD[:600]
        await self.configure('#FTPPUTFILENAME="bytes.bin"')
        self.assertEqual(await self.at("#FTPPUT"), WAITING)
        for byte in escape(payload):
            self.bench.port.channel.receive(bytes([byte]))
        self.assertEqual(await self.data(b"\x03"), ETX + OK)
        self.assertEqual((self.root / "bytes.bin").read_bytes(), payload)

    async def test_paths_are_directories_on_the_server(self):
        await self.online()
        (self.root / "list").mkdir()
        (self.root / "list" / "in.txt").write_bytes(b"inside")
        await self.configure('#FTPGETPATH="/list"', '#FTPGETFILENAME="in.txt"',
                             '#FTPPUTPATH="list"', '#FTPPUTFILENAME="out.txt"')
        self.assertEqual(await self.download(), DATA_BEGIN + "inside" + ETX + OK)
        self.assertEqual(await self.upload(b"outside"), ETX + OK)
        self.assertEqual((self.root / "list" / "out.txt").read_bytes(), b"outside")

    async def test_ftptype_a_sends_seven_bit_characters(self):
        await self.online()
        await self.configure('#FTPTYPE=A', '#FTPPUTFILENAME="ascii.txt"')
        self.assertEqual(await self.upload(b"caf\xe9 \xff\x80!"), ETX + OK)
        self.assertEqual((self.root / "ascii.txt").read_bytes(), b"cafi \x7f\x00!")


class Failures(FtpCase):
    async def test_a_missing_file_is_38024_without_data_mode(self):
        await self.online()
        await self.configure('#FTPGETFILENAME="missing.bin"')
        self.assertEqual(await self.at("#FTPGET"), edsoft_error(38024))
        self.assertEqual(self.bench.edsoft.resources.held, frozenset())

    async def test_a_missing_directory_is_38022(self):
        await self.online()
        await self.configure('#FTPGETPATH="nowhere"', '#FTPGETFILENAME="x"',
                             '#FTPPUTPATH="nowhere"', '#FTPPUTFILENAME="x"')
        self.assertEqual(await self.at("#FTPGET"), edsoft_error(38022))
        self.assertEqual(await self.at("#FTPPUT"), edsoft_error(38022))

    async def test_a_refused_login_is_38081(self):
        await self.online()
        await self.configure('#FTPPW="wrong"', '#FTPGETFILENAME="x"')
        self.assertEqual(await self.at("#FTPGET"), edsoft_error(38081))
        self.assertEqual(await self.at("#FTPPUT"), edsoft_error(38081))

    async def test_a_name_not_resolved_is_38027(self):
        await self.online()
        for server in ("nosuch.domain.com", "", "a..b"):
            await self.configure(f'#FTPSERV="{server}"', '#FTPGETFILENAME="x"')
            self.assertEqual(await self.at("#FTPGET"), edsoft_error(38027), server)
            self.assertEqual(await self.at("#FTPPUT"), edsoft_error(38027), server)

    async def test_a_port_nobody_listens_on_is_38016(self):
        await self.online()
        await self.configure("#FTPPORT=2121", '#FTPGETFILENAME="x"')
        self.assertEqual(await self.at("#FTPGET"), edsoft_error(38016))

    async def test_without_a_link_35867_and_with_the_stack_busy_37122(self):
        await self.online(link=False)
        await self.configure('#FTPGETFILENAME="x"')
        self.assertEqual(await self.at("#FTPGET"), edsoft_error(35867))
        self.assertEqual(await self.at("#FTPPUT"), edsoft_error(35867))
        await self.bench.link_up()
        claim = self.bench.edsoft.resources.claim(Resource.PING)
        self.assertEqual(await self.at("#FTPGET"), edsoft_error(37122))
        self.assertEqual(await self.at("#FTPPUT"), edsoft_error(37122))
        claim.release()

    async def test_bad_forms_are_34819(self):
        await self.online()
        for line in ("#FTPGET=1", "#FTPPUT?", "#FTPGET=?"):
            self.assertEqual(await self.at(line), edsoft_error(34819), line)

    async def test_the_link_going_mid_download_is_an_etx_and_its_code(self):
        await self.online()
        (self.root / "big.bin").write_bytes(bytes(2_000_000))
        await self.configure('#FTPGETFILENAME="big.bin"')
        self.when_host_has(10_000, lambda: self.bench.edsoft.link.lost(35841))
        self.bench.port.channel.receive(b"AT#FTPGET\r")
        await self.until(lambda: self.received().endswith("\r\n#CME ERROR: 35841\r\n"))
        self.assertTrue(self.received().endswith(ETX + edsoft_error(35841)))
        self.bench.port.take()
        self.assertEqual(self.bench.edsoft.resources.held, frozenset())
        self.assertEqual(await self.at("#FTPGET"), edsoft_error(35867))

    async def test_the_link_going_mid_upload_is_an_etx_and_its_code(self):
        await self.online()
        await self.configure('#FTPPUTFILENAME="part.bin"')
        self.assertEqual(await self.at("#FTPPUT"), WAITING)
        self.bench.port.channel.receive(b"some bytes")
        self.bench.edsoft.link.lost(35841)
        self.assertEqual(await self.data(b""), ETX + edsoft_error(35841))

    async def test_the_escape_abandons_a_download_and_frees_the_stack(self):
        # A GPRS link (40 kbit/s down): the download lasts minutes, the escape's guard
        # times (S12: 1 s) a second.
        await self.online(shaping="gprs")
        (self.root / "big.bin").write_bytes(bytes(2_000_000))
        await self.configure('#FTPGETFILENAME="big.bin"')
        self.bench.port.channel.receive(b"AT#FTPGET\r")
        await self.until(lambda: len(self.received()) > 10_000)
        await wait(1.2)
        self.bench.port.channel.receive(b"+++")
        await self.until(lambda: self.received().endswith(OK))
        got = self.bench.port.take()
        self.assertTrue(got.startswith(DATA_BEGIN))
        self.assertLess(len(got), 100_000)  # abandoned, not finished
        self.assertNotIn(ETX, got)
        # The stack is free once the session with the server is over (its QUIT answered,
        # behind the data still in flight: some 13 s at GPRS rates).
        await self.until(lambda: not self.bench.edsoft.resources.held, timeout=30)
        self.assertEqual(await self.at("#FTPTYPE?"), info("#FTPTYPE = I"))

    async def test_a_host_disappearing_mid_transfer_leaves_the_modem_answering(self):
        await self.online()
        (self.root / "big.bin").write_bytes(bytes(2_000_000))
        await self.configure('#FTPGETFILENAME="big.bin"', '#FTPPUTFILENAME="half.bin"')
        channel, host = self.bench.port.channel, self.bench.port.host
        self.when_host_has(10_000, channel.detach_host)
        channel.receive(b"AT#FTPGET\r")
        await self.until(lambda: not channel.host_attached)
        await wait(0.2)
        channel.attach_host(host)
        self.bench.port.take()
        self.assertEqual(await self.at("#FTPTYPE?"), info("#FTPTYPE = I"))
        self.assertEqual(await self.at("#FTPPUT"), WAITING)
        channel.receive(b"half a file")
        channel.detach_host()
        await wait(0.2)
        channel.attach_host(host)
        self.bench.port.take()
        self.assertEqual(self.bench.edsoft.resources.held, frozenset())
        (self.root / "small.txt").write_bytes(b"small")
        await self.configure('#FTPGETFILENAME="small.txt"')
        self.assertEqual(await self.download(), DATA_BEGIN + "small" + ETX + OK)


class AfterConnectionStart(FtpCase):
    async def test_a_5_2_then_a_7_2_then_connectionstop(self):
        """The manual's order: the GPRS connection (A.5.2), then the file (A.7.2)."""
        await self.online(link=False)
        self.assertEqual(await self.at('#APNSERV="internet"'), OK)
        answer = await self.at("#CONNECTIONSTART", ends=("Ok_Info_GprsActivation\r\n",))
        self.assertTrue(answer.endswith("\r\nOk_Info_GprsActivation\r\n"), answer)
        (self.root / "upload.txt").write_bytes(b"Hello\x03")
        await self.configure('#FTPGETFILENAME="upload.txt"')
        self.assertEqual(await self.download(), DATA_BEGIN + "Hello\x10\x03" + ETX + OK)
        self.assertEqual(await self.at("#CONNECTIONSTOP"), OK)
        self.assertEqual(await self.at("#FTPGET"), edsoft_error(35867))
