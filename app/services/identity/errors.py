"""What an identity provider's API answered when it did not do what was asked: the errcode and
errmsg it gave, and a sentence in Chinese for administrators (docs/wecom.md, "Error codes")."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The errcodes an administrator is most likely to meet, with what to do about them.
_BUSY = _l("The service is busy; try again later.")
_TOKEN = _l("The access token is invalid or expired (fetched again once by itself).")
_RATE = _l("Too many calls for the provider's rate limit; try again later.")
_IP = _l("This server's public IP address is not among the app's trusted IP addresses.")
MEANINGS: dict[str, dict[int, object]] = {
    "wecom": {
        -1: _BUSY,
        40001: _l("WeCom says the secret is wrong: check WECOM_SECRET (or WECOM_CONTACT_SECRET "
                  "for the directory)."),
        40013: _l("The corp ID is wrong: check WECOM_CORP_ID."),
        40014: _TOKEN, 42001: _TOKEN, 42009: _TOKEN,
        40029: _l("The sign-in code is invalid or already used: sign in again."),
        40056: _l("The app's AgentId is wrong: check WECOM_AGENT_ID."),
        40082: _l("Use the AgentId and secret of a self-built app."),
        45009: _RATE, 45033: _RATE,
        48002: _l("The app has no permission for this API: enable it in the WeCom admin "
                  "console."),
        60011: _l("The person or department is outside the app's visible range."),
        60020: _IP,
        60111: _l("No member with this userid in the directory."),
        81013: _l("None of the recipients is within the app's visible range."),
    },
    "dingtalk": {
        -1: _BUSY,
        40001: _TOKEN, 40014: _TOKEN, 42001: _TOKEN,
        40078: _l("The sign-in code is invalid or already used: sign in again."),
        40089: _l("The AppKey or AppSecret is wrong: check DINGTALK_APP_KEY and "
                  "DINGTALK_APP_SECRET."),
        60011: _l("The person or department is outside the app's visible range."),
        60020: _IP,
        60121: _l("No member with this userid in the directory."),
        88: _l("The app has no permission for this API: enable it in the DingTalk developer "
               "console."),
        90018: _RATE,
    },
}


class ProviderError(Exception):
    """The provider answered with a non-zero errcode (or could not be read)."""

    def __init__(self, provider: str, errcode: int, errmsg: str = ""):
        self.provider, self.errcode, self.errmsg = provider, errcode, errmsg
        super().__init__(f"{provider} errcode {errcode}: {errmsg}")

    @property
    def meaning(self) -> str:
        """What it means for an administrator, in Chinese ("" when not a common errcode)."""
        return str(MEANINGS.get(self.provider, {}).get(self.errcode, ""))

    def for_admins(self) -> str:
        """errcode, errmsg and the meaning, for the command line and the admin pages."""
        text = f"errcode {self.errcode}: {self.errmsg}"
        return (str(_l("%(label)s (%(detail)s)", label=text, detail=self.meaning))
                if self.meaning else text)


class ProviderUnreachable(ProviderError):
    """No answer: the network, a timeout, an HTTP error status or an answer that is not JSON."""

    def __init__(self, provider: str, reason: str):
        super().__init__(provider, -2, reason)

    @property
    def meaning(self) -> str:
        return str(_l("The server could not be reached: check the network, the proxy or the "
                      "API base address."))
