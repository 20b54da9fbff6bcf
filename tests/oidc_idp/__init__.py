"""A real OpenID Connect provider for the tests: django-oidc-provider (PyPI) in a Django
project of its own, run by gunicorn in a separate process with its own SQLite database.

zorgregio's OIDC login is tested against it end to end (authorization code with PKCE, ID
token signed RS256 and checked with the JWKS, userinfo with custom claims), not against a
mock. :func:`tests.oidc_idp.server.start` starts it; see ``server.py``.
"""
