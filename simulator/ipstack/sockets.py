"""The modem's sockets, independent of any dialect: TCP client and server, UDP.

    sock = TcpSocket(bearer, listener)
    sock.connect("www.wavecom.com", 80)      # -> connected / error
    sock.send(b"GET / HTTP/1.0\\r\\n\\r\\n")   # -> how many bytes fit
    sock.read()                              # after data_available

    server = TcpServer(bearer, listener, port=80, max_spawn=4)   # -> accepted(server, child)
    udp = UdpSocket(bearer, listener); udp.open(5000)           # -> data_available, recv()

Events reach a ``SocketListener``; failures are ``simulator.network.Reason`` members.
"""

from simulator.ipstack.buffers import Datagram
from simulator.ipstack.dns import DnsClient
from simulator.ipstack.events import SocketListener
from simulator.ipstack.tcp import TcpServer, TcpSocket, TcpState
from simulator.ipstack.udp import UdpSocket
from simulator.network.errors import Reason, RouteError

__all__ = [
    "Datagram",
    "DnsClient",
    "Reason",
    "RouteError",
    "SocketListener",
    "TcpServer",
    "TcpSocket",
    "TcpState",
    "UdpSocket",
]
