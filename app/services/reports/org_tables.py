"""The downloads of the administrator's organisation lists (院区, departments, positions) and
the private-domain metrics: (headers, rows) for `app.web.exporting`, as the pages show them
(active people counted)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.services import org
from app.services.results import measures
from app.services.results import metrics as metric_service


def hospitals_table():
    headers = [_l("Hospital"), _l("Code")]
    return headers, [[h.name, h.code] for h in org.list_hospitals()]


def departments_table():
    """Every department in tree order, with its hospital, path and active people."""
    _by_position, counts = org.headcounts()
    names = {h.id: h.name for h in org.list_hospitals()}
    headers = [_l("Hospital"), _l("Department"), _l("People")]
    return headers, [[names.get(hospital_id, ""), row.path, counts.get(row.department.id, 0)]
                     for hospital_id, rows in org.department_tree().items() for row in rows]


def positions_table():
    by_position, _counts = org.headcounts()
    headers = [_l("Position"), _l("People")]
    return headers, [[p.name, by_position.get(p.id, 0)] for p in org.list_positions()]


def metrics_table():
    """Every metric, archived ones included (marked)."""
    headers = [_l("Metric name"), _l("Unit"), _l("Period"), _l("What it measures"),
               _l("Decimals"), _l("Better when"), _l("Sort order"), _l("Archived")]
    return headers, [[m.name, m.unit, str(_l("Weekly") if m.period == "weekly" else
                                            _l("Monthly")),
                      str(measures.measure(m).label), m.decimals,
                      str(_l("Higher") if m.higher_is_better else _l("Lower")), m.sort_order,
                      m.archived] for m in metric_service.list_metrics(include_archived=True)]


ORG_TABLES = {
    "hospitals": (_l("Hospitals"), hospitals_table),
    "departments": (_l("Departments"), departments_table),
    "positions": (_l("Positions"), positions_table),
    "metrics": (_l("Private-domain metrics"), metrics_table),
}
