"""A minimal HTTP/1.1 client for the filing benchmark (one keep-alive connection per client).

The bench's clients run on the same 2 cores as gunicorn and PostgreSQL: with httpx, the load
generator alone took a third of the CPU (about 3 ms per request), so the benchmark measured
its own client as much as the server. This client does what the bench needs and nothing else:
GET and urlencoded POST on the loopback, cookies kept, ``Content-Length`` or chunked bodies.
It has the few httpx ``AsyncClient`` attributes that ``bench/filing.py`` uses.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class Reponse:
    status_code: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


class ClientHTTP:
    def __init__(self, base_url: str, timeout: float = 30.0):
        parts = urlsplit(base_url)
        self.base_url = base_url
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, headers: dict | None = None) -> Reponse:
        return await self._request("GET", path, b"", headers)

    async def post(self, path: str, data: dict, headers: dict | None = None) -> Reponse:
        body = urlencode(data, doseq=True).encode()
        extra = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return await self._request("POST", path, body, extra)

    async def aclose(self) -> None:
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except OSError:
                pass
            self._reader = self._writer = None

    async def _request(self, method: str, path: str, body: bytes, headers: dict | None) -> Reponse:
        try:
            return await asyncio.wait_for(self._exchange(method, path, body, headers), self.timeout)
        except BaseException:
            await self.aclose()  # never reuse a connection left in an unknown state
            raise

    async def _exchange(self, method: str, path: str, body: bytes, headers: dict | None) -> Reponse:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: keep-alive"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await self._writer.drain()
        return await self._read_response()

    async def _read_response(self) -> Reponse:
        reader = self._reader
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                self.cookies.update({key: morsel.value for key, morsel in cookie.items()})
            headers[name] = value
        if headers.get("transfer-encoding", "").lower() == "chunked":
            content = await self._read_chunked()
        else:
            content = await reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.aclose()
        return Reponse(status, headers, content)

    async def _read_chunked(self) -> bytes:
        chunks = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")
                return b"".join(chunks)
            chunks.append(await self._reader.readexactly(size))
            await self._reader.readexactly(2)
