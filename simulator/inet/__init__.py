"""IPv4 as a host's stack puts it on the wire, terminated in user space: the packet codecs
(IPv4, TCP, UDP, ICMP; bytes in, immutable values out, and back) and a sans-IO TCP endpoint
(``simulator.inet.tcp``).  Nothing here does I/O or reads a clock: time is a number the caller
passes in.  The package knows no other part of atsim; the layers above splice what it parses
into the simulated network."""
