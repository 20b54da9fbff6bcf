"""drf-spectacular hooks that keep the two API schemas apart: the authenticated ``/api/v1``
schema (openapi.yaml) without the public open data API, and the open API's own document with
only it."""

OPEN_PREFIX = "/api/open/"


def without_open_api(endpoints):
    return [e for e in endpoints if not e[0].startswith(OPEN_PREFIX)]


def only_open_api(endpoints):
    return [e for e in endpoints if e[0].startswith(OPEN_PREFIX) and "openapi." not in e[0]]
