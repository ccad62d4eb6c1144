"""The identity providers, by name: each offers sign-in, the directory and messages
(base.Provider). A new one is a module with a class like wecom.WeCom and one line here."""

from __future__ import annotations

from collections.abc import Mapping

from app.services.identity.base import Provider
from app.services.identity.dingtalk import DingTalk
from app.services.identity.wecom import WeCom

__all__ = ["PROVIDERS", "Provider", "configured", "get", "register"]

PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    PROVIDERS[provider.name] = provider
    return provider


def get(name: str) -> Provider | None:
    return PROVIDERS.get(name)


def configured(settings: Mapping) -> list[Provider]:
    """The providers set up in `settings`, in registration order."""
    return [p for p in PROVIDERS.values() if p.configured(settings)]


for _provider in (WeCom(), DingTalk()):
    register(_provider)
