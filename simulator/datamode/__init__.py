"""Socket data mode, shared by every dialect that has one: DLE/ETX transparency (``dle``),
holding the host's bytes until a delay or a size sends them (``uplink``), and the data sink
between a port in data mode and a socket (``sink``).

This package sits between the AT engine (``simulator.at``: ``DataLink``, ``DataSink``) and
the modem's sockets (``simulator.ipstack``); it knows no dialect.
"""
