"""Claims of the test IdP's users: the standard ones, and the scope ``zorgregio`` with the role
and the municipalities (as a municipality's IdP would send them), read from a JSON file that
the test writes (``IDP_DATA_DIR/claims.json``: ``{username: {claim: value}}``)."""

import json
import os
from pathlib import Path

from oidc_provider.lib.claims import ScopeClaims


def _extra(username: str) -> dict:
    path = Path(os.environ["IDP_DATA_DIR"]) / "claims.json"
    return json.loads(path.read_text()).get(username, {}) if path.exists() else {}


def userinfo(claims, user):
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["name"] = user.get_full_name()
    claims["email"] = user.email
    claims["email_verified"] = True
    claims["preferred_username"] = user.username
    return claims


class ZorgregioScopeClaims(ScopeClaims):
    info_zorgregio = ("zorgregio", "Rol en gemeenten in zorgregio")

    def scope_zorgregio(self):
        return _extra(self.user.username)
