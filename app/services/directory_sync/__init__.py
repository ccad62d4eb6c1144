"""The directory sync (`flask wecom sync`, `flask dingtalk sync`, 系统管理 → 通讯录同步): the
provider's departments and members → 院区, departments, 岗位 and people, all or nothing.

`sync_directory(provider, settings, dry_run=…)` reads the whole directory
first (any provider error: nothing is touched), then applies it in the session and flushes;
the caller commits unless the report has errors or it is a dry run (docs/wecom.md).
- departments.py: the tree → 院区 and nested departments
- members.py: members → people (match, create, update, deactivate)
- mappings.py: what an admin maps (top-level department → 院区, 职务 → 岗位, 工号 → userid)
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from app.services.directory_sync.departments import sync_departments
from app.services.directory_sync.members import MemberContext, position_names, sync_members
from app.services.directory_sync.report import SyncReport
from app.services.identity.base import DirectoryDepartment, DirectoryMember, Provider
from app.services.identity.errors import ProviderError

__all__ = ["SyncReport", "read_directory", "sync_directory"]

# user/get calls at once: WeCom allows 10,000 calls of one API a minute per organisation;
# 4 at ~50 ms each stay well under it
PARALLEL = 4


def read_directory(provider: Provider, settings: Mapping, report: SyncReport
                   ) -> tuple[list[DirectoryDepartment], list[DirectoryMember]] | None:
    """Every department and member; None (the error in the report) when the provider
    refused or could not be reached."""
    directory = provider.directory(settings)
    try:
        departments = directory.departments()
    except ProviderError as error:
        report.department_error(None, error.for_admins())
        return None
    try:
        ids = directory.member_ids()
    except ProviderError as error:
        report.user_error(None, error.for_admins())
        return None
    members, failed = _members(directory, ids)
    if failed is not None:
        report.user_error(failed[0], failed[1].for_admins())
        return None
    return departments, members


def _members(directory, ids: list[str]
             ) -> tuple[list[DirectoryMember], tuple[str, ProviderError] | None]:
    """Every member's record, PARALLEL calls at a time (one call a member is what the
    provider offers: 2,000 people at ~50 ms a call would be 100 s one by one), in `ids`
    order; or the first userid whose call failed and its error."""
    app = current_app._get_current_object()  # the token cache reads the database

    def one(userid: str) -> DirectoryMember | ProviderError:
        with app.app_context():
            try:
                return directory.member(userid)
            except ProviderError as error:
                return error

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        found = list(pool.map(one, ids))
    for userid, member in zip(ids, found, strict=True):
        if isinstance(member, ProviderError):
            return [], (userid, member)
    return found, None


def sync_directory(provider: Provider, settings: Mapping, *, dry_run: bool) -> SyncReport:
    """Read the directory, apply it (flushed, never committed): the report."""
    report = SyncReport(provider=provider.name, dry_run=dry_run)
    read = read_directory(provider, settings, report)
    if read is None:
        return report
    rows, members = read
    found = sync_departments(provider, rows, report)
    led: dict[str, set[str]] = {}
    for row in rows:
        for userid in row.leaders:
            led.setdefault(userid, set()).add(row.id)
    sync_members(MemberContext(provider, found, led, position_names(), report), members)
    return report
