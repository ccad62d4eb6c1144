"""Reminder channels, by name: in-app notifications, the WeCom group robot, WeCom app
messages and DingTalk work notices to each person (app_messages.py), email. A new
channel is a module with a class like these and one line in `_BUILT_IN`; `send_reminders`
runs every registered channel, each on its own (one failing never stops the others)."""

from __future__ import annotations

from typing import Protocol

from flask_babel import lazy_gettext as _l

from app.services.assign.channels.app_messages import AppMessageChannel
from app.services.assign.channels.base import ChannelReport, RunContext
from app.services.assign.channels.inapp import InAppChannel
from app.services.assign.channels.mail import EmailChannel
from app.services.assign.channels.wecom import WeComChannel


class Channel(Protocol):
    name: str
    label: str  # lazy: shown in the command's summary

    def run(self, ctx: RunContext) -> ChannelReport: ...


CHANNELS: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    CHANNELS[channel.name] = channel
    return channel


_BUILT_IN = (InAppChannel(), WeComChannel(),
             AppMessageChannel("wecom", "wecom_app", _l("WeCom app messages")),
             AppMessageChannel("dingtalk", "dingtalk", _l("DingTalk work notices")),
             EmailChannel())
for _channel in _BUILT_IN:
    register(_channel)
