from __future__ import annotations

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from core.actors import Actor
from core.api_keys import authenticate_key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Api-Key <key>``; sets ``request.actor`` for the services."""

    keyword = "Api-Key"

    def authenticate(self, request: Request):
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        keyword, _, key = header.partition(" ")
        if keyword != self.keyword or not key.strip():
            raise exceptions.AuthenticationFailed("Use 'Authorization: Api-Key <key>'.")
        api_key = authenticate_key(key.strip())
        if api_key is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        request.actor = Actor.for_api_key(api_key)
        return (None, api_key)

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
