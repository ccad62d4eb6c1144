"""Identity providers (企业微信 WeCom, 钉钉 DingTalk): sign-in, directory, messages.

- registry.py: PROVIDERS by name; `get(name)`, `configured(settings)`.
- base.py: the Provider and Directory interfaces, Card (a message with a link).
- client.py: `ApiClient.get(path, **params)` / `.post(path, json, **params)` → dict, or
  errors.ProviderError (errcode, errmsg, `meaning`, `for_admins()`); ProviderUnreachable.
- tokens.py: access tokens cached once for every worker (table identity_tokens).
- signin.py: finding the person of a userid and the sign-in log (the views sign in).
- wecom.py, dingtalk.py: the providers (settings and API in their docstrings).
"""
