"""The reminder channels on their own: the WeCom robot's request body, its 4096-byte limit
and its failures; SMTP mail; webhook addresses; the registry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.services import org
from app.services.assign import channels
from app.services.assign.channels import wecom
from app.services.assign.channels.base import DeliveryError, OwedItem, RunContext
from app.services.assign.channels.mail import compose, send_mail
from app.services.errors import DomainError
from tests.reminder_servers import MailSink, Robot, free_port

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in China


def _item(n: int, *, title: str = "术后回访话术", overdue: bool = True, **extra) -> OwedItem:
    fields = {"user_id": n, "user_name": f"员工{n:03d}", "email": f"u{n}@example.com",
              "locale": None, "department_id": 1, "assignment_id": 1, "kind": "course",
              "title": title, "due_at": NOW - timedelta(days=1), "overdue": overdue,
              "required": True}
    return OwedItem(**{**fields, **extra})


def _ctx(app, owed=()) -> RunContext:
    return RunContext(now=NOW, day="20261123", dry_run=False, settings=app.config,
                      owed=list(owed), department_names={}, commit=lambda: None)


def test_the_registry_holds_the_channels_in_order():
    assert list(channels.CHANNELS) == ["inapp", "wecom", "wecom_app", "dingtalk", "email"]


def test_the_robot_gets_the_json_body_wecom_expects(app):
    with Robot() as robot:
        wecom.post_markdown(robot.url("abc-123"), "### 逾期提醒\n**郑可**")
    path, headers, body = robot.received[0]
    assert path == "/cgi-bin/webhook/send?key=abc-123"
    assert headers["Content-Type"] == "application/json"
    assert body == {"msgtype": "markdown", "markdown": {"content": "### 逾期提醒\n**郑可**"}}


@pytest.mark.parametrize("reply, error", [
    ((500, {"errcode": 0}), "HTTP 500"),
    ((200, {"errcode": 93000, "errmsg": "invalid webhook url"}), "errcode 93000"),
    ((200, ["not", "an", "object"]), "errcode None"),
])
def test_a_refusal_from_the_robot_is_an_error(app, reply, error):
    with Robot() as robot:
        robot.replies.append(reply)
        with pytest.raises(DeliveryError, match=error):
            wecom.post_markdown(robot.url(), "内容")


def test_an_unreachable_robot_is_an_error(app):
    with pytest.raises(OSError):
        wecom.post_markdown(f"http://127.0.0.1:{free_port()}/send?key=x", "内容")


def test_a_long_list_is_split_on_line_boundaries_within_4096_bytes(app):
    items = [_item(n, title="新客首诊沟通与术前告知标准流程" * 3) for n in range(60)]
    texts = wecom.department_messages("整形外科", items, _ctx(app, items))
    assert len(texts) > 2
    assert all(len(text.encode("utf-8")) <= wecom.LIMIT for text in texts)
    assert all(f"({n}/{len(texts)})" in text.splitlines()[0]
               for n, text in enumerate(texts, 1))
    joined = "\n".join(texts)
    assert all(joined.count(f"**员工{n:03d}**") == 1 for n in range(60))  # everyone, once


def test_one_person_with_too_much_for_one_message_is_continued_not_cut(app):
    items = [_item(1, assignment_id=k, title=f"第{k}项" + "很长的标题" * 30) for k in range(40)]
    texts = wecom.department_messages("客服中心", items, _ctx(app, items))
    assert len(texts) > 1 and all(len(t.encode()) <= wecom.LIMIT for t in texts)
    assert all("**员工001**" in text for text in texts)  # the name starts each part again
    joined = "\n".join(texts)
    assert all(f"第{k}项" in joined for k in range(40))


def test_pack_cuts_a_line_longer_than_the_budget_between_characters():
    chunks = wecom.pack([["名", "长" * 100]], budget=40)
    assert all(wecom.size(chunk) <= 40 for chunk in chunks)
    assert "".join(line for chunk in chunks for line in chunk if line != "名") == "长" * 100


def test_titles_cannot_add_markdown(app):
    item = _item(1, title="[点我](http://evil.example) <font color=\"warning\">**x**</font>")
    text = wecom.department_messages("前台", [item], _ctx(app, [item]))[0]
    assert "](" not in text and "<font" not in text and "**x**" not in text


def test_mail_reaches_the_server_with_recipient_subject_and_body(app):
    items = [_item(7, user_name="郑可", email="zheng@example.com"),
             _item(7, title="SOP 出院回访", overdue=False, due_at=NOW + timedelta(days=1))]
    subject, text = compose(items, app.config)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_DEFAULT_SENDER="academy@example.com")
    from email.headerregistry import Address

    with MailSink() as sink:
        app.config["MAIL_PORT"] = sink.port
        send_mail(app.config, Address("郑可", addr_spec="zheng@example.com"), subject, text)
    assert sink.envelopes == [("academy@example.com", ["zheng@example.com"])]
    message = sink.messages[0]
    assert message["Subject"] == subject and message["To"].addresses[0].display_name == "郑可"
    body = message.get_content()
    assert "郑可" in body and "术后回访话术" in body and "SOP 出院回访" in body
    assert "2026-11-22 09:00" in body and "2026-11-24 09:00" in body  # China time


def test_mail_without_a_sender_is_an_error(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_DEFAULT_SENDER=None, MAIL_USERNAME=None)
    from email.headerregistry import Address

    with pytest.raises(DeliveryError, match="MAIL_DEFAULT_SENDER"):
        send_mail(app.config, Address("x", addr_spec="x@example.com"), "s", "t")


@pytest.mark.parametrize("url", [
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",
    "  https://proxy.clinic.example/wecom/send?key=abc  ",
])
def test_a_webhook_must_be_an_https_address(app, url):
    assert org.clean_webhook_url(url) == url.strip()


@pytest.mark.parametrize("url", [
    "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "javascript:alert(1)",
    "qyapi.weixin.qq.com/cgi-bin/webhook/send", "https://", "https://host:99999/x",
    "https://host/x y", "ftp://host/x",
])
def test_anything_else_is_refused(app, url):
    with pytest.raises(DomainError) as refused:
        org.clean_webhook_url(url)
    assert refused.value.field == "wecom_webhook_url"


def test_a_webhook_is_shown_with_only_the_end_of_its_key():
    shown = org.mask_webhook("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a-9f6-5aaa")
    assert shown == "qyapi.weixin.qq.com …5aaa" and "693a" not in shown
    assert org.mask_webhook(None) == ""
