"""Describe the API's authentication in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class KitsuJWTScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.KitsuJWTAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "The access_token of POST /api/auth/login. Browsers may send access_token_cookie instead.",
        }
