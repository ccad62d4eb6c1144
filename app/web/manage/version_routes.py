"""Trainer views for versions: publish with a change note, the history, comparing two.

One view function for each page, registered once per versioned kind under that kind's URLs
and endpoint names (manage.course_publish, manage.sop_publish …).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.content import history
from app.services.content.kinds import COURSE, SOP_MODULE, VersionedKind
from app.web.forms import db_int
from app.web.manage import bp
from app.web.manage.forms import PublishForm, SopPublishForm
from app.web.manage.helpers import save_or_render


@dataclass(frozen=True)
class KindPages:
    """Where a versioned kind's pages live: its URL prefix, id argument, publish form and
    source file. Templates get these as `content_pages[kind]` and ask them for endpoints and
    arguments instead of branching on the kind."""

    kind: VersionedKind
    prefix: str
    id_arg: str
    publish_form: type
    source_pattern: str  # the file or folder under the curriculum root, by slug

    def endpoint(self, page: str) -> str:
        """manage.course_detail, manage.sop_versions …"""
        return f"manage.{self.kind.key}_{page}"

    def args(self, item) -> dict[str, int]:
        return {self.id_arg: item.id}

    def source(self, item) -> str:
        return self.source_pattern.format(slug=item.slug)


PAGES = {pages.kind.key: pages for pages in (
    KindPages(COURSE, "/courses", "course_id", PublishForm, "courses/{slug}/"),
    KindPages(SOP_MODULE, "/sop", "module_id", SopPublishForm, "sop/{slug}.toml"),
)}


def _published(version) -> str:
    return _("Version %(number)d is published.", number=version.number)


def _item(pages: KindPages, ids: dict):
    return db.get_or_404(pages.kind.model, ids[pages.id_arg])


@require(Permission.AUTHOR_CONTENT)
def publish(kind_key: str, **ids):
    pages = PAGES[kind_key]
    kind, item, form = pages.kind, _item(pages, ids), pages.publish_form()
    return save_or_render(
        form, lambda: history.publish(kind, item, current_user, form.change_note.data,
                                      form.data.get("requires_reack", False),
                                      reack_days=form.data.get("reack_days"), now=utcnow()),
        lambda _v: url_for(pages.endpoint("versions"), **ids),
        "manage/publish.html", message=_published, item=item, kind=kind.key,
        status=history.status(kind, item), changes=history.pending_changes(kind, item),
    )


@require(Permission.AUTHOR_CONTENT)
def versions(kind_key: str, **ids):
    pages = PAGES[kind_key]
    item = _item(pages, ids)
    return render_template("manage/versions.html", item=item, kind=kind_key,
                           versions=history.versions(pages.kind, item))


@require(Permission.AUTHOR_CONTENT)
def diff(kind_key: str, **ids):
    pages = PAGES[kind_key]
    item = _item(pages, ids)
    comparison = history.compare(pages.kind, item, request.args.get("old", type=db_int),
                                 request.args.get("new", type=db_int))
    return render_template("manage/diff.html", item=item, kind=kind_key, comparison=comparison)


for _pages in PAGES.values():
    for _name, _view, _methods in (("publish", publish, ["GET", "POST"]),
                                   ("versions", versions, ["GET"]), ("diff", diff, ["GET"])):
        bp.add_url_rule(f"{_pages.prefix}/<int:{_pages.id_arg}>/{_name}",
                        f"{_pages.kind.key}_{_name}", _view, methods=_methods,
                        defaults={"kind_key": _pages.kind.key})
