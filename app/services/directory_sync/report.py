"""What a directory sync did (or, in a dry run, would do): the JSON of
`flask wecom sync --json` and the report on 系统管理 → 通讯录同步."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SyncReport:
    provider: str
    dry_run: bool
    departments: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    users: dict[str, int] = field(default_factory=lambda: {
        "created": 0, "updated": 0, "deactivated": 0, "unchanged": 0})
    errors: list[dict] = field(default_factory=list)
    unknown_positions: set[str] = field(default_factory=set)

    def department_error(self, department_id: str | None, message: object) -> None:
        self.errors.append({"department_id": department_id, "message": str(message)})

    def user_error(self, userid: str | None, message: object) -> None:
        self.errors.append({"userid": userid, "message": str(message)})

    def as_dict(self) -> dict:
        """The contract's keys (dry_run, departments, users, errors), then the extras."""
        return {"dry_run": self.dry_run, "departments": dict(self.departments),
                "users": dict(self.users), "errors": list(self.errors),
                "provider": self.provider,
                "unknown_positions": sorted(self.unknown_positions)}
