"""The directory sync (`flask wecom sync`, `flask dingtalk sync`, 系统管理 → 通讯录同步): the
provider's departments and members → 院区, departments, 岗位 and people, all or nothing.

`sync_directory(provider, settings, dry_run=…, hash_method=…)` reads the whole directory
first (any provider error: nothing is touched), then applies it in the session and flushes;
the caller commits unless the report has errors or it is a dry run (docs/wecom.md).
- departments.py: the tree → 院区 and nested departments
- members.py: members → people (match, create, update, deactivate)
- mappings.py: what an admin maps (top-level department → 院区, 职务 → 岗位, 工号 → userid)
"""

from __future__ import annotations

from collections.abc import Mapping

from app.services.directory_sync.departments import sync_departments
from app.services.directory_sync.members import MemberContext, position_names, sync_members
from app.services.directory_sync.report import SyncReport
from app.services.identity.base import DirectoryDepartment, DirectoryMember, Provider
from app.services.identity.errors import ProviderError

__all__ = ["SyncReport", "read_directory", "sync_directory"]


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
    userid = None
    try:
        ids = directory.member_ids()
        members = []
        for userid in ids:
            members.append(directory.member(userid))
    except ProviderError as error:
        report.user_error(userid, error.for_admins())
        return None
    return departments, members


def sync_directory(provider: Provider, settings: Mapping, *, dry_run: bool,
                   hash_method: str) -> SyncReport:
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
    sync_members(MemberContext(provider, found, led, position_names(), report, hash_method),
                 members)
    return report
