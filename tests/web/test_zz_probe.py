import json, time, collections
from sqlalchemy import select
from app.extensions import db
from app.models import Hospital, Position, User, Department

def test_probe(client, auth, demo, shared_dir):
    blns = json.loads((shared_dir / "testdata/blns/blns.json").read_text(encoding="utf-8"))
    auth.as_role("admin")
    h = db.session.scalar(select(Hospital).order_by(Hospital.id.desc()))
    hid = h.id
    u = db.session.scalar(select(User).where(User.login == "10012"))
    uid = u.id
    out = collections.defaultdict(collections.Counter)
    bad = []
    t0 = time.perf_counter()
    for field in ["name", "code"]:
        for s in blns:
            data = {"name": "H" if field == "code" else s, "code": s if field == "code" else "", "sort_order": "0"}
            r = client.post(f"/admin/hospitals/{hid}/edit", data=data)
            out["h." + field][r.status_code] += 1
            if r.status_code == 500: bad.append(("h", field, s))
            if r.status_code == 302:
                got = getattr(db.session.get(Hospital, hid), field)
                exp = s if field == "name" or s.strip() else None
                if got != exp: bad.append(("h-mismatch", field, s, got))
                client.get(f"/admin/hospitals/{hid}/edit")
    t1 = time.perf_counter()
    base = {"login": "10012", "name": "M", "email": "", "phone": "", "department_id": "0", "position_id": "0", "roles": ["employee"]}
    for field in ["login", "name", "email", "phone"]:
        for s in blns:
            data = dict(base, **{field: s})
            r = client.post(f"/admin/users/{uid}/edit", data=data)
            out["u." + field][r.status_code] += 1
            if r.status_code == 500: bad.append(("u", field, s))
            if r.status_code == 302:
                got = getattr(db.session.get(User, uid), field)
                if got != s: bad.append(("u-diff", field, repr(s), repr(got)))
                client.get(f"/admin/users/{uid}/edit")
    t2 = time.perf_counter()
    print(dict(out)); print(t1-t0, t2-t1)
    for b in bad: print(b)
