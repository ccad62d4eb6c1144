"""A device's browser and system in a few words, from its user agent ("微信 · iPhone",
"企业微信 · Android", "Chrome · Windows"): simple substring rules, first match wins; enough to
recognise one's own phone or the ward computer in the list of signed-in devices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Checked in this order: in-app browsers and Chinese browsers name Chrome or Safari too, Edge
# and Opera name Chrome, Chrome names Safari.
BROWSERS = (
    ("wxwork", _l("WeCom")),
    ("MicroMessenger", _l("WeChat")),
    ("DingTalk", _l("DingTalk")),
    ("QQBrowser", _l("QQ Browser")),
    ("UCBrowser", _l("UC Browser")),
    ("HuaweiBrowser", _l("Huawei Browser")),
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("HarmonyOS", _l("HarmonyOS")),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def _first(user_agent: str, rules) -> str | None:
    return next((str(name) for needle, name in rules if needle in user_agent), None)


def device_name(user_agent: str | None) -> str:
    """"<browser> · <system>", either alone when the other is not recognised, or 未知设备."""
    user_agent = user_agent or ""
    parts = [part for part in (_first(user_agent, BROWSERS), _first(user_agent, SYSTEMS))
             if part]
    return " · ".join(parts) if parts else str(_l("Unknown device"))
