"""The view side of table downloads: a streamed CSV or .xlsx response.

    @bp.get("/things/export")
    @require(Permission.AUTHOR_CONTENT)
    def things_export():
        rows = stream_rows(things_query(filters))            # app.services.exports
        return export_response(request.args.get("format"), _("Things"), HEADERS, rows)

- `fmt` is "csv" or "xlsx" (usually the `?format=` parameter); anything else → 400.
- `filename_stem` is the file name without extension and may be Chinese: the header carries an
  ASCII fallback ``filename="..."`` and the real name as ``filename*=UTF-8''...`` (RFC 6266).
- `rows` is iterated while the response is sent (`stream_with_context`, so a database query
  behind it still has its session); nothing is collected in memory. Dates are shown in the
  app's time zone (`BABEL_DEFAULT_TIMEZONE`, China time by default).
- `export_format()` reads and checks `?format=` (400 when unknown), for views that must know
  the format before building the rows.
- `table_download(tables, default, *args, title=...)`: for a page with several tables, a
  registry ``{"name": (label, build)}`` where ``build(*args) -> (headers, rows)``; the table
  named by ``?table=`` (404 when unknown) as ``?format=`` (400 when unknown), the file named
  "label-title-date". A page with one table passes ``{"": (label, build)}`` and no default.
  More than EXPORT_ASYNC_ROWS rows: a page offering to build the file as a job in the worker
  (app.web.export_jobs); the job replays this view as the same person (app.web.export_runner).

The links: ``{% from "_macros/downloads.html" import downloads %}`` then
``{{ downloads("bp.endpoint", "table", filter_args) }}`` (Excel and CSV, the page's filters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from itertools import chain, islice
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, g, request, stream_with_context

from app.services.exports import FORMATS, export_chunks

JOB_SINK = "export_job_sink"  # g: set while the worker replays a download as a job
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def export_format(name: str = "format") -> str:
    """The requested format from the query string; 400 unless csv or xlsx."""
    fmt = request.args.get(name, "")
    if fmt not in FORMATS:
        abort(400)
    return fmt


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987)."""
    clean = _UNSAFE.sub("_", filename).strip(" .") or "export"
    stem, _dot, ext = clean.rpartition(".")
    parts = (re.sub(r"[^A-Za-z0-9._]+", "_", part).strip("_") for part in stem.split("-"))
    ascii_stem = "-".join(part for part in parts if part) or "export"
    fallback = f"{ascii_stem}.{ext}" if stem else ascii_stem
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(clean, safe='')}"


def export_response(fmt: str | None, filename_stem: str, headers: Sequence[object],
                    rows: Iterable[Sequence]) -> Response:
    """A streamed download of the table as CSV or .xlsx; 400 for any other format."""
    if fmt not in FORMATS:
        abort(400)
    chunks = export_chunks(fmt, [str(h) for h in headers], rows, _zone(),
                           sheet_title=str(filename_stem))
    # the mimetype without a charset: werkzeug adds "; charset=utf-8" to text/csv itself
    response = Response(stream_with_context(chunks), mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = content_disposition(f"{filename_stem}.{fmt}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


Build = Callable[..., tuple[Sequence[object], Iterable[Sequence]]]


def _zone() -> str:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")


def table_download(tables: Mapping[str, tuple[object, Build]], default: str, *args,
                   title: str = "") -> Response:
    """The table named by ``?table=`` (`default` when absent; 404 when unknown) as
    ``?format=`` (400 when unknown); `args` go to the table's builder."""
    table = tables.get(request.args.get("table", default))
    if table is None:
        abort(404)
    fmt = export_format()
    label, build = table
    headers, rows = build(*args)
    today = datetime.now(ZoneInfo(_zone())).date().isoformat()
    stem = "-".join(part for part in (str(label), title, today) if part)
    sink = g.get(JOB_SINK)
    if sink is not None:  # running as an export job in the worker (app.web.export_runner)
        return sink(stem, headers, rows, lambda: build(*args)[1])
    rows, large = _peek(rows, current_app.config.get("EXPORT_ASYNC_ROWS") or 0)
    if large:
        from app.web.export_jobs import offer_job

        return offer_job(fmt, stem)
    return export_response(fmt, stem, headers, rows)


def _peek(rows: Iterable, threshold: int) -> tuple[Iterable, bool]:
    """The rows again, and whether there are more than `threshold` (0: never). A list is
    measured; a stream is read up to threshold + 1 rows (kept, and given back first)."""
    if threshold <= 0:
        return rows, False
    if hasattr(rows, "__len__"):
        return rows, len(rows) > threshold
    iterator = iter(rows)
    head = list(islice(iterator, threshold + 1))
    if len(head) > threshold:
        getattr(iterator, "close", lambda: None)()  # a database cursor behind it: closed
        return (), True
    return chain(head, iterator), False
