"""What a resource is: its fields (JSON schema and conversion side by side, so the OpenAPI
document and the rows cannot drift apart), its query and its keyset order."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.sql.elements import ColumnElement


def iso_timestamp(value: datetime | str | None) -> str | None:
    """ISO 8601 in UTC with a trailing Z (SQLite may hand computed timestamps back as text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def iso_date(value: date | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Field:
    """One property of a row: its JSON schema and how a database value becomes JSON."""

    name: str
    schema: dict[str, Any]
    description: str = ""
    convert: Callable[[Any], Any] = _same


def _field(json_type: str, nullable: bool, **extra) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": json_type, **extra}
    if nullable:
        schema["nullable"] = True
    return schema


def integer(name: str, description: str = "", nullable: bool = False) -> Field:
    return Field(name, _field("integer", nullable), description)


def number(name: str, description: str = "", nullable: bool = False) -> Field:
    return Field(name, _field("number", nullable), description,
                 lambda v: None if v is None else float(v))


def string(name: str, description: str = "", nullable: bool = False,
           enum: tuple[str, ...] | None = None) -> Field:
    extra = {"enum": list(enum) + ([None] if nullable else [])} if enum else {}
    return Field(name, _field("string", nullable, **extra), description)


def boolean(name: str, description: str = "", nullable: bool = False) -> Field:
    return Field(name, _field("boolean", nullable), description,
                 lambda v: None if v is None else bool(v))


def timestamp(name: str, description: str = "", nullable: bool = False) -> Field:
    return Field(name, _field("string", nullable, format="date-time"), description,
                 iso_timestamp)


def day(name: str, description: str = "") -> Field:
    return Field(name, _field("string", False, format="date"), description, iso_date)


def custom(name: str, schema: dict[str, Any], convert: Callable[[Any], Any],
           description: str = "") -> Field:
    return Field(name, schema, description, convert)


@dataclass(frozen=True)
class Key:
    """One column of a keyset order; `kind` ("time" or "int") tells how a cursor stores it."""

    name: str
    column: ColumnElement
    kind: str


@dataclass(frozen=True)
class Listing:
    """The query of one page: labelled columns (every field's name), unordered, unlimited;
    the keyset order; the column `updated_since` filters (None: not offered)."""

    query: Select
    keys: tuple[Key, ...]
    updated: ColumnElement | None = None


@dataclass(frozen=True)
class Resource:
    name: str  # the path under /api/v1 ("users", "assignments/status")
    scope: str
    summary: str
    description: str
    fields: tuple[Field, ...]
    listing: Callable[[datetime], Listing]
    incremental: bool = True  # offers updated_since (its listing has an `updated` column)

    def row(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {f.name: f.convert(values[f.name]) for f in self.fields}

    def row_schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": False,
                "required": [f.name for f in self.fields],
                "properties": {f.name: _described(f) for f in self.fields}}


def _described(f: Field) -> dict[str, Any]:
    return {**f.schema, "description": f.description} if f.description else dict(f.schema)
