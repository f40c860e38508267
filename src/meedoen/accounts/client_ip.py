"""The client's IP address behind a known number of reverse proxies: one source for the login lockout (django-axes,
AXES_CLIENT_IP_CALLABLE) and the audit trail (meedoen.audit.services).

Behind a reverse proxy every request comes from the proxy's address (REMOTE_ADDR), so a lockout keyed on it would let
one person lock out everybody behind the same proxy. Each trusted proxy appends the address it received the request
from to X-Forwarded-For; with N trusted proxies the client is the N-th address from the right. Whatever stands
further left was sent by the client and can be anything, so it is never used. With MEEDOEN_TRUSTED_PROXY_COUNT = 0
(the default: Meedoen is reached directly) the header is ignored altogether: anyone can send it.

django-axes 8 would read AXES_IPWARE_PROXY_COUNT / AXES_IPWARE_META_PRECEDENCE_ORDER only with django-ipware
installed, which Meedoen does not need; AXES_CLIENT_IP_CALLABLE (this function) takes precedence in any case.
"""
from __future__ import annotations

import ipaddress

from django.conf import settings

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


def _address(value: str) -> str | None:
    """A valid IP address from one X-Forwarded-For entry ("1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443"), or None."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "MEEDOEN_TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    hops = [hop for hop in request.META.get(FORWARDED_FOR, "").split(",") if hop.strip()]
    if len(hops) < proxies:  # the request did not pass all trusted proxies: only the connection's address is known
        return remote
    return _address(hops[-proxies]) or remote
