"""The organisation: hospitals (院区), nested departments, positions (岗位), users and roles."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask_login import UserMixin
from sqlalchemy import Column, Date, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, UTCDateTime, utcnow

department_leads = Table(
    "department_leads",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)


class Hospital(TimestampMixin, db.Model):
    __tablename__ = "hospitals"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str | None] = mapped_column(String(20))
    sort_order: Mapped[int] = mapped_column(default=0)

    departments: Mapped[list[Department]] = relationship(back_populates="hospital")

    def __repr__(self) -> str:
        return f"<Hospital {self.id} {self.name!r}>"


class Department(TimestampMixin, db.Model):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("hospital_id", "parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(default=0)
    # the department's WeCom group robot (企业微信群机器人) for reminders; none → the default
    wecom_webhook_url: Mapped[str | None] = mapped_column(String(500))

    hospital: Mapped[Hospital] = relationship(back_populates="departments")
    parent: Mapped[Department | None] = relationship(remote_side="Department.id")

    def __repr__(self) -> str:
        return f"<Department {self.id} {self.name!r}>"


class Position(TimestampMixin, db.Model):
    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Position {self.id} {self.name!r}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the sign-in id in every session and remember cookie (get_id): raising it
    # (退出所有设备, a password change or reset, deactivation) ends them all, copies included.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # 入职日期: the day they joined (the account's creation day unless the roster or an admin
    # says otherwise); due dates and onboarding paths count from it
    hire_date: Mapped[date] = mapped_column(Date, default=lambda: utcnow().date())
    # The person's userid in the organisation's WeCom / DingTalk directory (set by the
    # directory sync or an admin): how a sign-in through that app finds them (docs/wecom.md)
    wecom_userid: Mapped[str | None] = mapped_column(String(64), unique=True)
    dingtalk_userid: Mapped[str | None] = mapped_column(String(64), unique=True)

    department: Mapped[Department | None] = relationship()
    position: Mapped[Position | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )
    led_departments: Mapped[list[Department]] = relationship(
        secondary=department_leads, order_by=Department.name
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)

    @property
    def hire_start(self) -> datetime:
        """The start of their hire day (UTC midnight), as the status query computes it."""
        return datetime.combine(self.hire_date or utcnow().date(), time(), UTC)

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot sign in
        return self.active

    # Not stored: the signed-in device of this request (a UserSession) and the raw token its
    # cookies carry, set by app.web.auth.devices_view when signing in or loading the user.
    device = None
    device_token = None

    def get_id(self) -> str:
        """Flask-Login's id in the session and the remember cookie:
        "<id>:<session version>:<device token>" (app.services.devices)."""
        return f"{self.id}:{self.session_version}:{self.device_token or ''}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.login!r}>"
