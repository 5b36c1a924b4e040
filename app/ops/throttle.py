"""Failed sign-in attempts: ``Throttle`` for people's passwords (per address and per name), ``AdminThrottle`` for
the admin token.

Failed admin-token attempts, on every surface that takes the token (the management API's bearer, the console's
sign-in), slowed down by one throttle per process.

Two budgets, so that a client can neither guess at full speed nor get round the limit by changing what it
controls: per client address (an IPv6 address counts by its /64, which one machine usually holds whole),
after the n-th failure in a row the address waits 2^(n-1) seconds (at most ``MAX_DELAY``) before its next
attempt is even checked; and overall, ``GLOBAL_BUDGET`` failures, refilled one every ``REFILL_SECONDS``,
for attempts spread over many addresses (or hidden behind one proxy). A right token from an address resets
that address. The address is the peer's, or what a trusted proxy says (``CADRE_TRUSTED_PROXIES``).
"""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict
from collections.abc import Callable

MAX_DELAY = 900.0  # seconds an address waits at most
MAX_ADDRESSES = 10_000  # addresses remembered at most (the oldest are forgotten)
GLOBAL_BUDGET = 30  # failures, from anywhere, before everyone waits
REFILL_SECONDS = 2.0  # one more failure allowed overall every this many seconds


def address_key(host: str | None) -> str:
    """The throttle's key for a client address: IPv4 as it is, IPv6 by its /64 network."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class AdminThrottle:
    """Waits imposed after failed admin-token attempts, per address and overall."""

    def __init__(self, max_delay: float = MAX_DELAY, max_addresses: int = MAX_ADDRESSES, budget: int = GLOBAL_BUDGET,
                 refill_seconds: float = REFILL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_delay, self.max_addresses, self.budget, self.refill_seconds = (max_delay, max_addresses, budget,
                                                                                refill_seconds)
        self.clock = clock
        self._addresses: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key -> (failures, retry at)
        self._tokens = float(budget)
        self._refilled = clock()
        self.refused = 0  # attempts answered 429 (/metrics)
        self.failures = 0  # wrong tokens (/metrics)

    def _refill(self) -> float:
        now = self.clock()
        self._tokens = min(self.budget, self._tokens + (now - self._refilled) / self.refill_seconds)
        self._refilled = now
        return now

    def wait(self, host: str | None) -> float:
        """Seconds before an attempt from ``host`` may be checked (0: now); counted as refused when not 0."""
        now = self._refill()
        entry = self._addresses.get(address_key(host))
        mine = entry[1] - now if entry else 0.0
        overall = (1.0 - self._tokens) * self.refill_seconds if self._tokens < 1.0 else 0.0
        wait = max(mine, overall, 0.0)
        if wait:
            self.refused += 1
        return wait

    def failed(self, host: str | None) -> float:
        """Record a wrong token from ``host``; return the wait it imposes on that address."""
        now = self._refill()
        self._tokens = max(0.0, self._tokens - 1.0)
        self.failures += 1
        key = address_key(host)
        failures = self._addresses.pop(key, (0, 0.0))[0] + 1
        delay = min(2.0 ** (failures - 1), self.max_delay)
        self._addresses[key] = (failures, now + delay)
        while len(self._addresses) > self.max_addresses:
            self._addresses.popitem(last=False)
        return delay

    def succeeded(self, host: str | None) -> None:
        if self._addresses:
            self._addresses.pop(address_key(host), None)


class Throttle:
    """Failed sign-ins per key (an address, a name): after the n-th failure in a row the key waits 2**(n-1)
    seconds (at most ``max_delay``) before its next attempt is even checked. Bounded memory: the oldest keys are
    forgotten."""

    def __init__(self, max_delay: float = MAX_DELAY, max_clients: int = MAX_ADDRESSES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_delay, self.max_clients, self.clock = max_delay, max_clients, clock
        self._clients: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key -> (failures, retry at)

    def wait(self, client: str) -> float:
        """Seconds before ``client`` may try again (0: now)."""
        entry = self._clients.get(client)
        return max(0.0, entry[1] - self.clock()) if entry else 0.0

    def failed(self, client: str) -> float:
        """Record a failure; return the wait it imposes."""
        failures = self._clients.pop(client, (0, 0.0))[0] + 1
        delay = min(2.0 ** (failures - 1), self.max_delay)
        self._clients[client] = (failures, self.clock() + delay)
        while len(self._clients) > self.max_clients:
            self._clients.popitem(last=False)
        return delay

    def succeeded(self, client: str) -> None:
        self._clients.pop(client, None)
