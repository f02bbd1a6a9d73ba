"""The one error the SMS codec raises."""


class PduError(ValueError):
    """A PDU, or a value to be encoded in one, that TS 23.040 does not allow."""
