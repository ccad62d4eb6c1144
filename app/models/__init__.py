"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from app.models.org import Department, Hospital, Position, User, UserRole, department_leads

__all__ = ["Department", "Hospital", "Position", "User", "UserRole", "department_leads"]
