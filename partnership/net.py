"""Addresses: the client's, for rate limits, honouring the proxies the deployment says it has;
and a free loopback port for the servers the tests and the load test start."""

import socket

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or with N trusted proxies in front, the Nth address from the right of
    X-Forwarded-For (anything further left was written by the client and cannot be trusted)."""
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
