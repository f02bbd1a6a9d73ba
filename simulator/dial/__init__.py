"""``atsim-dial``: a host-side dialer for machines without kernel PPP.  It opens a modem
port (a PTY or serial device, or ``socket://host:port``), dials with AT commands, runs
``simulator.ppp``'s client on the port and moves the IP packets to a TUN interface it makes
(optionally inside a given network namespace), so the kernel's own TCP/IP stack runs over
the modem.  See docs/ppp.md."""
