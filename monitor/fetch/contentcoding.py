"""Undo a response's Content-Encoding (gzip, deflate) without ever holding more than a cap.

httpx's own decoders inflate each chunk whole: a 64 KB chunk of a gzip bomb became ~66 MB at
once, and with `Content-Encoding: gzip, gzip` a 1.8 KB body became 2 GB before any cap could be
checked. Here every step of a chain of codings is asked for at most what is left of the cap
(zlib's `max_length`), so a bomb is caught after inflating one byte past it.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Protocol

from monitor.errors import FetchError


class _Step(Protocol):
    def decompress(self, data: bytes, limit: int) -> bytes: ...

    def flush(self) -> bytes: ...


class _Gzip:
    def __init__(self) -> None:
        self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def decompress(self, data: bytes, limit: int) -> bytes:
        return self._z.decompress(data, limit)

    def flush(self) -> bytes:
        return self._z.flush()


class _Deflate:
    """HTTP's "deflate" is zlib-wrapped, but some servers send it raw: read as zlib until the
    input says otherwise (which may take more than one chunk), then again as raw deflate."""

    def __init__(self) -> None:
        self._z = zlib.decompressobj()
        self._head: bytes | None = b""  # the input so far, until zlib's header has passed

    def decompress(self, data: bytes, limit: int) -> bytes:
        if self._head is None:
            return self._z.decompress(data, limit)
        self._head += data
        try:
            out = self._z.decompress(data, limit)
        except zlib.error:
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)
            head, self._head = self._head, None
            return self._z.decompress(head, limit)
        if len(self._head) > 2:  # the 2-byte zlib header checked out
            self._head = None
        return out

    def flush(self) -> bytes:
        return self._z.flush()


STEPS: dict[str, Callable[[], _Step]] = {
    "gzip": _Gzip,
    "x-gzip": _Gzip,
    "deflate": _Deflate,
}


class Decoder:
    """Feed it the body as received; it returns the decoded bytes, or raises FetchError
    (permanent) when they would pass `limit` or a coding is unknown or corrupt."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        unknown = [c for c in codings if c not in STEPS]
        if unknown:
            raise FetchError(f"unsupported content coding: {', '.join(unknown)}", transient=False)
        # Applied by the server in the order listed: undone in reverse.
        self._steps: list[_Step] = [STEPS[c]() for c in reversed(codings)]
        self._limit = limit
        self.size = 0  # decoded bytes so far

    def feed(self, chunk: bytes) -> bytes:
        return self._count(self._through(chunk))

    def finish(self) -> bytes:
        """What the steps still hold, at the end of the body."""
        out = b""
        for i, step in enumerate(self._steps):
            # What a step still holds goes through the steps after it.
            out += self._count(self._through(self._bounded(step.flush()), start=i + 1))
        return out

    def _through(self, data: bytes, start: int = 0) -> bytes:
        for step in self._steps[start:]:
            try:
                data = step.decompress(data, self._left() + 1)
            except zlib.error as exc:
                raise FetchError(f"cannot decode body: {exc}", transient=False) from None
            self._bounded(data)
        return self._bounded(data)

    def _left(self) -> int:
        return max(self._limit - self.size, 0)

    def _bounded(self, data: bytes) -> bytes:
        if len(data) > self._left():
            raise FetchError(
                f"body inflates past the {self._limit} byte cap (compression bomb?)",
                transient=False,
            )
        return data

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        return data
