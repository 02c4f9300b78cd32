"""A bounded load generator on loopback: threads and http.client, nothing else.

`Client` is one browser: its cookies, the CSRF token, the headers the portal's production proxy
would add (X-Forwarded-Proto: https, so that secure cookies and CSRF's origin checks behave as in
production). `latency` sends requests one after the other; `throughput` runs several clients at once
for a bounded time and count. Both stop by themselves; neither ever leaves 127.0.0.1.
"""

import http.client
import math
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

LOOPBACK = "127.0.0.1"
QUERIES_HEADER = "X-Bench-Queries"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between the closest ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def queries(self) -> int | None:
        value = self.headers.get(QUERIES_HEADER.lower())
        return int(value) if value is not None else None

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Client:
    """One user agent against the portal on 127.0.0.1:port."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    csrf_token: str = ""

    def __post_init__(self) -> None:
        self.connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> Response:
        origin = f"https://{LOOPBACK}:{self.port}"
        headers = {
            "Host": f"{LOOPBACK}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Origin": origin,
            "Referer": f"{origin}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        try:
            self.connection.request(method, path, body=body, headers=headers)
            raw = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            # gunicorn's sync workers close the connection after each response: open a new one.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            raw = self.connection.getresponse()
        data = raw.read()
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name.strip()] = rest.split(";", 1)[0]
        response = Response(raw.status, {name.lower(): value for name, value in raw.getheaders()}, data)
        if raw.will_close:
            self.connection.close()
        if (
            match := _CSRF_INPUT.search(data.decode("utf-8", "replace"))
            if b"csrfmiddlewaretoken" in data
            else None
        ):
            self.csrf_token = match.group(1)
        return response

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str | list[str]]) -> Response:
        body = urlencode({"csrfmiddlewaretoken": self.csrf_token, **data}, doseq=True).encode()
        return self.request("POST", path, body, "application/x-www-form-urlencoded")

    def post_file(
        self, path: str, data: dict[str, str | list[str]], name: str, filename: str, content: bytes
    ) -> Response:
        """A multipart form with one file, as a browser sends "Joindre un fichier"."""
        boundary = uuid.uuid4().hex
        parts = []
        for key, values in {"csrfmiddlewaretoken": self.csrf_token, **data}.items():
            for value in values if isinstance(values, list) else [values]:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
                )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def close(self) -> None:
        self.connection.close()


Call = Callable[[Client], Response]


@dataclass
class Latency:
    samples_ms: list[float]
    queries: int | None
    status: int

    def p(self, q: float) -> float:
        return percentile(self.samples_ms, q)


def latency(client: Client, call: Call, *, count: int, budget: float, warmup: int = 1) -> Latency:
    """Up to `count` requests one after the other (after `warmup` unmeasured ones), in
    milliseconds, within `budget` seconds: 3 samples at least, 1 for a page whose warm-up took a
    third of the budget, and the warm-up itself for a page slower than the whole budget (a page
    of a minute is not worth five)."""
    return latencies(client, [call], count=count, budget=budget, warmup=warmup)[0]


def latencies(
    client: Client, calls: Sequence[Call], *, count: int, budget: float, warmup: int = 1
) -> list[Latency]:
    """`latency` for several pages at once, their requests interleaved (one of each in turn), so
    that a slower moment of a shared machine weighs on all of them alike: a ratio between them
    (a heavy record's page against a light one's) is then the pages', not the minute's."""
    responses: list[Response | None] = [None] * len(calls)
    started = time.perf_counter()
    for _ in range(warmup):
        for index, call in enumerate(calls):
            responses[index] = call(client)
    warm = (time.perf_counter() - started) / len(calls)
    if warmup and warm / warmup > budget:
        return [Latency([warm / warmup * 1000], r.queries, r.status) for r in responses]  # type: ignore[union-attr]
    least = 1 if warm > budget / 3 else 3
    samples: list[list[float]] = [[] for _ in calls]
    deadline = time.perf_counter() + budget * len(calls)
    while len(samples[0]) < count and (len(samples[0]) < least or time.perf_counter() < deadline):
        for index, call in enumerate(calls):
            started = time.perf_counter()
            responses[index] = call(client)
            samples[index].append((time.perf_counter() - started) * 1000)
    return [
        Latency(taken, response.queries, response.status)  # type: ignore[union-attr]
        for taken, response in zip(samples, responses, strict=True)
    ]


@dataclass
class Throughput:
    rps: float
    errors: int  # answers 400 and over (a 500 when SQLite stays locked, for instance)


def throughput(clients: Sequence[Client], call: Call, *, seconds: float, max_requests: int) -> Throughput:
    """Requests per second with every client sending as fast as it can, each in its own thread,
    for `seconds` or until `max_requests` have been sent in all, whichever comes first (the
    requests under way then finish)."""
    lock = threading.Lock()
    done = errors = 0
    deadline = time.perf_counter() + seconds

    def run(client: Client) -> None:
        nonlocal done, errors
        while time.perf_counter() < deadline:
            with lock:
                if done >= max_requests:
                    return
                done += 1
            if call(client).status >= 400:
                with lock:
                    errors += 1

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Throughput(done / (time.perf_counter() - started), errors)
