"""How the API's login methods appear in the OpenAPI schema (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BasicScheme(OpenApiAuthenticationExtension):
    target_class = "zorgregio.accounts.api_auth.BasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Username and password; not for roles that see client data when "
            "the second factor is required (use a token).",
        }


class OIDCBearerScheme(OpenApiAuthenticationExtension):
    target_class = "zorgregio.accounts.api_auth.OIDCBearerAuthentication"
    name = "oidcBearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An access token of the region's OpenID Connect provider.",
        }
