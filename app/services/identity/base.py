"""What every identity provider offers (registry.py lists them): sign-in, the directory and
messages to people. A provider reads its settings from the app's configuration on each call
(no request globals), so the web, the command line and the tests build it the same way."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from app.services.identity.client import ApiClient


class Directory(Protocol):
    """The organisation's directory as the provider gives it (raw dicts, documented fields);
    the directory sync maps them to 院区, departments, 岗位 and people."""

    def departments(self) -> list[dict]:
        """Every department the app may see: id, name, parentid, order, leaders."""

    def member_ids(self) -> list[str]:
        """The userid of every member the app may see."""

    def member(self, userid: str) -> dict:
        """One member's record (never phone, email or avatar)."""


@dataclass(frozen=True)
class Card:
    """A message with a link: the same for every recipient of one send."""

    title: str
    description: str
    url: str
    button: str = ""


class Provider(Protocol):
    name: str  # "wecom", "dingtalk": the routes /auth/<name>/…, sign-in log method
    label: object  # lazy: "企业微信", "钉钉"
    user_column: str  # the User column with the person's userid there
    max_recipients: int  # userids in one message send

    def configured(self, settings: Mapping) -> bool: ...
    def in_app(self, user_agent: str) -> bool: ...
    def login_url(self, settings: Mapping, redirect_uri: str, state: str,
                  user_agent: str) -> str: ...
    def code_of(self, args: Mapping) -> str: ...
    def userid_from_code(self, settings: Mapping, code: str) -> str | None: ...
    def directory(self, settings: Mapping) -> Directory: ...
    def send_card(self, settings: Mapping, userids: list[str], card: Card) -> set[str]: ...


def secret_tag(*parts: str) -> str:
    """A short fingerprint of an app's id and secret for its token cache key: a new secret
    gets a new token at once; the secret itself is never stored."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


def client_for(provider: str, base: str, purpose: str, ident: str, secret: str,
               fetch) -> ApiClient:
    return ApiClient(provider, base, f"{provider}:{purpose}:{secret_tag(ident, secret)}",
                     fetch)
