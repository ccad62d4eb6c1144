"""One organisation written into the fake WeCom or DingTalk directory (tests/identity_servers.py)
in each provider's own field names, so the directory sync tests run against both.

Tree: 集团 (root, 1) → 北京院区 (2) → 咨询部 (3) → 前台组 (4); 集团 → 上海院区 (5) → 护理部 (6).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.identity_servers import FakeDingTalk, FakeWeCom

TREE = [(2, "北京院区", 1), (3, "咨询部", 2), (4, "前台组", 3), (5, "上海院区", 1),
        (6, "护理部", 5)]


class Directory:
    """`fake` is a started FakeWeCom or FakeDingTalk; the same calls for both."""

    def __init__(self, fake):
        self.fake = fake
        self.wecom = isinstance(fake, FakeWeCom)
        if self.wecom:
            fake.departments.append({"id": 1, "name": "集团", "parentid": 0, "order": 1,
                                     "department_leader": []})
        for dept_id, name, parent in TREE:
            self.department(dept_id, name, parent)

    @property
    def name(self) -> str:
        return "wecom" if self.wecom else "dingtalk"

    def department(self, dept_id: int, name: str, parent: int) -> None:
        for row in self.fake.departments:
            if row.get("id", row.get("dept_id")) == dept_id:
                self.fake.departments.remove(row)
        if self.wecom:
            self.fake.departments.append({"id": dept_id, "name": name, "parentid": parent,
                                          "order": dept_id, "department_leader": []})
        else:
            self.fake.departments.append({"dept_id": dept_id, "name": name,
                                          "parent_id": parent})

    def member(self, userid: str, name: str, dept: int, position: str = "", *,
               leader: bool = False, active: bool = True, hired: str | None = None) -> None:
        if self.wecom:
            self.fake.members[userid] = {
                "userid": userid, "name": name, "department": [dept], "main_department": dept,
                "position": position, "is_leader_in_dept": [1 if leader else 0],
                "status": 1 if active else 2}
        else:
            row = {"userid": userid, "name": name, "dept_id_list": [dept], "title": position,
                   "leader_in_dept": [{"dept_id": dept, "leader": leader}], "active": active}
            if hired:
                day = datetime.fromisoformat(hired).replace(tzinfo=UTC)
                row["hired_date"] = int(day.timestamp() * 1000) - 8 * 3600 * 1000  # CST
            self.fake.members[userid] = row

    def name_leader(self, userid: str, dept: int) -> None:
        """The leader as the department names it (WeCom's department_leader); DingTalk names
        leaders only on the member (leader_in_dept)."""
        if self.wecom:
            row = next(r for r in self.fake.departments if r["id"] == dept)
            row["department_leader"] = [*row["department_leader"], userid]
        else:
            self.fake.members[userid]["leader_in_dept"] = [{"dept_id": dept, "leader": True}]

    def leave(self, userid: str) -> None:
        del self.fake.members[userid]

    def disable(self, userid: str) -> None:
        record = self.fake.members[userid]
        record.update({"status": 5} if self.wecom else {"active": False})


def fake_of(name: str):
    return FakeWeCom() if name == "wecom" else FakeDingTalk()
