"""The one error the packet codecs raise: whatever bytes they are fed, a parser either returns
a value or raises ``PacketError``, so a caller drops a bad packet with one ``except``."""


class PacketError(ValueError):
    """The bytes are not a well-formed packet of the kind asked for."""


class ChecksumError(PacketError):
    """The packet is well formed but its checksum does not match its bytes."""
