import cProfile, pstats
from sqlalchemy import select
from app.extensions import db
from app.models import User

def test_prof(client, auth, demo):
    auth.as_role("admin")
    uid = db.session.scalar(select(User.id).where(User.login == "10012"))
    base = {"login": "10012", "name": "M", "email": "", "phone": "", "department_id": "0", "position_id": "0", "roles": ["employee"]}
    pr = cProfile.Profile(); pr.enable()
    for i in range(100):
        client.post(f"/admin/users/{uid}/edit", data=dict(base, email=f"x{i}"))
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(40)
