"""The manual's own examples for the configuration commands, replayed byte for byte (002
§2.4.2-§8.4.2, A.1, A.2, the parameter lines of A.5-A.8).  The manual prints them one
response a line without CR/LF; here they are framed as the module sends them.  Where an
example cannot be replayed as printed, the test says why and docs/dialects/edsoft.md holds
the decision (En)."""

from simulator.modem.storage import NVStore
from tests.dialects.edsoft.bench import OK, EdsoftBench, edsoft_error, info


def test_a1_get_software_version():
    bench = EdsoftBench(started=False)
    assert bench.at("+WOPEN=1") == OK  # "start the TCP/IP stack"
    bench.port.send(b"ATE0\r")
    bench.port.take()
    # A.1 prints '#VERSION = "eDsoft-W302_V01.00 68262 Apr 09 2003 19:19:49"' without OK;
    # the command's own section (§8.1.2) and the V03.00 of AT#VALL win (E16).
    assert bench.at("#VVERSION") == info(
        '#VERSION: "eDsoft-W302_V03.00 67826 Mar 18 2003 18:42:19"')


def test_a2_at_sharp_interface():
    bench = EdsoftBench()
    assert bench.at("#PPPmode=1") == OK
    assert bench.at("#PPPmode?") == info("#PPPMODE: 1")


def test_2_6_2_vphy_defaults():
    assert EdsoftBench().at("#VPHY") == info(
        "#ANSWERMODE: 0", "#CALLBACKTIMER: 2", '#CALLSCREENNUM: "0"', '#DIALN1: ""',
        '#DIALN2: ""', "#DIALSELECT: 1", "#GPRSMODE: 1", "#PHYTIMEOUT: 15", "#REDIALCOUNT: 5",
        "#REDIALDELAY: 5", "#RINGCOUNT: 0")


def set_all(bench, *lines):
    for line in lines:
        assert bench.at(line) == OK, line


def test_2_4_2_vppp():
    bench = EdsoftBench()
    set_all(bench, '#ISPUN="myispun"', '#ISPPW="myisppwd"', '#PPPSERVUN="myname"',
            '#PPPSERVPW="mypasswd"')
    assert bench.at("#VPPP") == info(
        '#ISPUN: "myispun"', '#ISPPW: "myisppwd"', "#PPPMODE: 1", '#PPPMYIP: "0.0.0.0"',
        '#PPPPEERIP: "0.0.0.0"', '#PPPSERVUN: "myname"', '#PPPSERVPW: "mypasswd"')


def test_2_5_2_vgprs():
    bench = EdsoftBench()
    set_all(bench, '#APNPW="acces"', '#APNSERV="a2myoperator.com"', '#APNUN="a2b"')
    assert bench.at("#VGPRS") == info(
        "#GPRSCID: 1", '#APNPW: "acces"', '#APNSERV: "a2myoperator.com"', '#APNUN: "a2b"')


def test_3_5_2_vmail_empty():
    bench = EdsoftBench()
    for i in (1, 2, 3):
        assert bench.at(f"#VMAIL{i}") == info(f"REC{i}=", f"CCREC{i}=", f"SUBJ{i}=")


def test_3_6_2_vpop3():
    bench = EdsoftBench()
    set_all(bench, '#POP3PW="mypop3passwd"', '#POP3SERV="pop3server"', '#POP3UN="mypop3un"')
    assert bench.at("#VPOP3") == info(
        "#POP3HEADERMODE: 1", "#POP3PORT: 110", '#POP3PW: "mypop3passwd"',
        '#POP3SERV: "pop3server"', '#POP3UN: "mypop3un"')


def test_3_7_2_vsmtp():
    bench = EdsoftBench()
    # The example's server name holds a space: quoted, it is kept.
    set_all(bench, '#DOMAIN="a2myoper.com"', '#SENDERADDR="toto@myoper.com"',
            '#SENDERNAME="toto"', '#SMTPPW="mysmtppw"', '#SMTPSERV="smtp. a2myoper.com"',
            '#SMTPUN="mysmtpun"')
    assert bench.at("#VSMTP") == info(
        '#DOMAIN: "a2myoper.com"', '#SENDERADDR: "toto@myoper.com"', '#SENDERNAME: "toto"',
        "#SMTPPORT: 25", '#SMTPPW: "mysmtppw"', '#SMTPSERV: "smtp. a2myoper.com"',
        '#SMTPUN: "mysmtpun"')


def test_3_8_2_vdns():
    assert EdsoftBench().at("#VDNS") == info('#DNSSERV1: "0.0.0.0"', '#DNSSERV2: "0.0.0.0"')


def test_4_4_2_vftp():
    bench = EdsoftBench()
    set_all(bench, '#FTPSERV="mytestwebsite.com"', '#FTPUN="myname"', '#FTPPW="mypass"',
            '#FTPPUTFILENAME="Testseb3.txt"')
    assert bench.at("#VFTP") == info(
        '#FTPSERV: "mytestwebsite.com"', "#FTPPORT: 21", '#FTPUN: "myname"',
        '#FTPPW: "mypass"', "#FTPTYPE = I", '#FTPGETFILENAME: ""', '#FTPGETPATH: "."',
        '#FTPPUTFILENAME: "Testseb3.txt"', '#FTPPUTPATH: "."')


def test_5_5_2_vtcp():
    bench = EdsoftBench()
    assert bench.at("#VTCP=2") == info(
        "#DLEMODE: 2,1", '#TCPSERV: 2,""', "#TCPPORT: 2,0", "#TCPTXDELAY: 2,100")
    assert bench.at("#VTCP=1") == info(
        "#DLEMODE: 1,1", '#TCPSERV: 1,""', "#TCPPORT: 1,0", "#TCPTXDELAY: 1,100")


def test_6_5_2_vudp():
    assert EdsoftBench().at("#VUDP") == info(
        '#UDPSERV: ""', "#UDPPORT: 0", "#UDPTXDELAY: 100")


def test_7_3_2_vping():
    assert EdsoftBench().at("#VPING") == info(
        "#PINGDELAY: 1", "#PINGNUM: 4", '#PINGREMOTE: ""')


def test_8_2_2_vstate_idle_and_no_service():
    assert EdsoftBench().at("#VSTATE") == info('#STATE: "IDLE"')
    # No registration: "No radio connection made" (E17: the answer ends with OK).
    assert EdsoftBench(registered=False).at("#VSTATE") == info("#NO SERVICE")


#: 002 §8.3.2 as printed, with its test set-up's values; one empty line between every two
#: blocks, the UDP and PING blocks included (E15).
VALL = (
    "eDsoft-W302_V03.00", "",
    "#ANSWERMODE: 0", "#CALLBACKTIMER: 2", '#CALLSCREENNUM: "0"', '#DIALN1: ""', '#DIALN2: ""',
    "#DIALSELECT: 1", "#GPRSMODE: 1", "#PHYTIMEOUT: 15", "#REDIALCOUNT: 5", "#REDIALDELAY: 5",
    "#RINGCOUNT: 0", "",
    '#ISPUN: ""', '#ISPPW: ""', "#PPPMODE: 1", '#PPPMYIP: "0.0.0.0"', '#PPPPEERIP: "0.0.0.0"',
    '#PPPSERVUN: ""', '#PPPSERVPW: ""', "",
    "#GPRSCID: 1", '#APNPW: "acces"', '#APNSERV: "a2bouygtel.com"', '#APNUN: "a2b"', "",
    '#DNSSERV1: "0.0.0.0"', '#DNSSERV2: "0.0.0.0"', "",
    '#FTPSERV: "mytestwebsite.com"', "#FTPPORT: 21", '#FTPUN: "mylogin"',
    '#FTPPW: "mypassword"', "#FTPTYPE = I", '#FTPGETFILENAME: ""', '#FTPGETPATH: "."',
    '#FTPPUTFILENAME: "Testseb3.txt"', '#FTPPUTPATH: "."', "",
    "#POP3HEADERMODE: 1", "#POP3PORT: 110", '#POP3PW: ""', '#POP3SERV: ""', '#POP3UN: ""', "",
    '#DOMAIN: "a2bouygtel.com"', '#SENDERADDR: "toto@bouygtel.com"', '#SENDERNAME: "toto"',
    "#SMTPPORT: 25", '#SMTPPW: ""', '#SMTPSERV: "smtp.a2bouygtel.com"', '#SMTPUN: ""', "",
    '#BODY1: ""', '#CCREC1: ""', '#REC1: "lesavecom.com"', '#SUBJ1: "Test"', "",
    '#BODY2: ""', '#CCREC2: ""', '#REC2: ""', '#SUBJ2: ""', "",
    '#BODY3: "9:1234567890abcd"', '#CCREC3: ""', '#REC3: ""', '#SUBJ3: ""', "",
    "#DLEMODE: 1,1", '#TCPSERV: 1,""', "#TCPPORT: 1,0", "#TCPTXDELAY: 1,100",
    "#DLEMODE: 2,1", '#TCPSERV: 2,""', "#TCPPORT: 2,0", "#TCPTXDELAY: 2,100", "",
    "#UDPPORT : 0", '#UDPSERV : ""', "#UDPTXDELAY:100", "",
    "#PINGDELAY:1", "#PINGNUM: 4", '#PINGREMOTE: ""',
)


def test_8_3_2_vall():
    bench = EdsoftBench()
    set_all(bench, '#APNPW="acces"', '#APNSERV="a2bouygtel.com"', '#APNUN="a2b"',
            '#FTPSERV="mytestwebsite.com"', '#FTPUN="mylogin"', '#FTPPW="mypassword"',
            '#FTPPUTFILENAME="Testseb3.txt"', '#DOMAIN="a2bouygtel.com"',
            '#SENDERADDR="toto@bouygtel.com"', '#SENDERNAME="toto"',
            '#SMTPSERV="smtp.a2bouygtel.com"', '#REC1="lesavecom.com"', '#SUBJ1="Test"',
            '#BODY3="9:1234567890abcd"')
    assert bench.at("#VALL") == info(*VALL)


def test_8_4_2_delflash():
    assert EdsoftBench().at("#DELFLASH") == OK


def test_1_2_atq_is_refused_while_the_application_runs():
    bench = EdsoftBench()
    for line in ("Q", "Q0", "Q1"):
        assert bench.at(line) == "\r\n+CME ERROR:600\r\n", line
    assert bench.at("+CGMI") == info("WAVECOM MODEM")  # still answering


def test_a5_a8_parameter_lines():
    bench = EdsoftBench()
    set_all(bench,
            # A.5.1, A.5.2
            "#GPRSMODE=0", '#DIALN1="0860000000"', '#ISPUN="login"', '#ISPPW="password"',
            "#GPRSMODE=1", '#APNSERV="apnserver.com"', '#APNUN="login"', '#APNPW="password"',
            # A.6.1: REC1 and CCREC1 unquoted, their case kept
            '#SMTPSERV="smtp.domain.com"', '#DOMAIN="domain.com"', '#SENDERNAME="Test module"',
            "#REC1=recipient@domain.com", "#CCREC1=ccrecipient@domain.com",
            '#SUBJ1="Email Subject"',
            # A.6.2
            '#POP3SERV="pop3.domain.com"', '#POP3UN="module@domain.com"', '#POP3PW="password"',
            # A.7.1, A.7.2
            '#FTPSERV="pop3.domain.com"', '#FTPUN="ftplogin"', '#FTPPW="ftppassword"',
            '#FTPPUTFILENAME="upload.txt"', '#FTPPUTPATH="."', '#FTPGETFILENAME="upload.txt"',
            # A.8.1, A.8.2: a port typed quoted
            '#TCPSERV=1,"255.255.255.255"', '#TCPPORT=1,"23"', '#TCPSERV=1,"xxx.xxx.xxx.xxx"')
    assert bench.at("#VMAIL1") == info("REC1=recipient@domain.com",
                                       "CCREC1=ccrecipient@domain.com", "SUBJ1=Email Subject")
    assert bench.at("#VTCP=1") == info(
        "#DLEMODE: 1,1", '#TCPSERV: 1,"xxx.xxx.xxx.xxx"', "#TCPPORT: 1,23",
        "#TCPTXDELAY: 1,100")
    assert bench.at("#SENDERNAME?") == info('#SENDERNAME: "Test module"')


def test_a5_1_dns_placeholder_is_not_an_address():
    # A.5.1's "xxx.xxx.xxx" stands for the ISP's DNS address; typed as is it is refused (E6).
    bench = EdsoftBench()
    assert bench.at('#DNSSERV1="xxx.xxx.xxx"') == edsoft_error(34882)
    assert bench.at('#DNSSERV1="10.64.255.53"') == OK
    assert bench.at("#DNSSERV1?") == info('#DNSSERV1: "10.64.255.53"')


def test_a6_1_sender_address_without_equals_sign():
    # A.6.1 types AT#SENDERADDR"module@domain.com" and prints OK; the line is not a command
    # atsim can split, and answers ERROR (E22).  With "=" it is set.
    bench = EdsoftBench()
    assert bench.at('#SENDERADDR"module@domain.com"') == "\r\nERROR\r\n"
    assert bench.at('#SENDERADDR="module@domain.com"') == OK


def test_vall_on_a_fresh_flash_store():
    bench = EdsoftBench(store=NVStore(None))
    answer = bench.at("#VALL")
    assert answer.startswith("\r\neDsoft-W302_V03.00\r\n\r\n#ANSWERMODE: 0\r\n")
    assert answer.endswith('#PINGREMOTE: ""\r\n\r\nOK\r\n')
