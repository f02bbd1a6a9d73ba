"""Received bytes put back in order: segments arrive in any order, duplicated or overlapping,
and come out as one contiguous stream.  Positions are stream offsets (bytes since the first
data byte, unbounded), so nothing here knows about sequence-number wrap-around; the caller has
already cut every segment to its receive window, which bounds what waits here."""

from __future__ import annotations


class Reassembly:
    def __init__(self) -> None:
        self.delivered = 0  # stream offset of the next byte the application gets
        self._pieces: dict[int, bytes] = {}  # start offset -> bytes, all past ``delivered``
        self._fin_at: int | None = None
        self.fin_delivered = False

    @property
    def waiting(self) -> int:
        """How many out-of-order bytes are held (overlaps counted once per piece)."""
        return sum(len(piece) for piece in self._pieces.values())

    def add(self, offset: int, data: bytes, fin: bool = False) -> bytes:
        """Take ``data`` found at stream ``offset`` (``fin``: the stream ends right after it);
        return the bytes that became contiguous, in order."""
        if fin and self._fin_at is None:
            self._fin_at = offset + len(data)
        if offset == self.delivered and not self._pieces:
            # In order with nothing waiting, the usual case: no piece to keep or sort.
            self.delivered += len(data)
            return bytes(data)
        end = offset + len(data)
        if end > self.delivered and data:
            if offset < self.delivered:
                data = data[self.delivered - offset:]
                offset = self.delivered
            if len(data) > len(self._pieces.get(offset, b"")):
                self._pieces[offset] = data
        return self._take_contiguous()

    @property
    def has_gap(self) -> bool:
        """Bytes wait beyond a hole (the stream has a gap)."""
        return bool(self._pieces)

    @property
    def fin_reached(self) -> bool:
        return self._fin_at is not None and self.delivered >= self._fin_at

    def _take_contiguous(self) -> bytes:
        out = bytearray()
        progress = True
        while progress:
            progress = False
            for start in sorted(self._pieces):
                piece = self._pieces[start]
                if start > self.delivered:
                    break
                del self._pieces[start]
                new = piece[self.delivered - start:]
                if new:
                    out += new
                    self.delivered += len(new)
                    progress = True
        return bytes(out)
