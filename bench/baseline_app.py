"""The floor to compare against: bare Flask doing only the atomic claim transaction, nothing else.

No authentication, validation, rules or ORM objects: one conditional UPDATE and one INSERT per request,
on the same schema as the real app. Run by bench/claims_http.py under the same gunicorn settings.
"""

import os

import sqlalchemy as sa
from flask import Flask, jsonify

engine = sa.create_engine(
    os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1),
    connect_args={"timeout": 30} if os.environ["DATABASE_URL"].startswith("sqlite") else {},
)
app = Flask(__name__)

TAKE_PLACE = sa.text("UPDATE shifts SET confirmed = confirmed + 1 WHERE id = :shift AND confirmed < capacity")
INSERT_CLAIM = sa.text(
    "INSERT INTO claims (shift_id, user_id, status, created_at, updated_at) "
    "VALUES (:shift, :user, :status, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


@app.post("/claim/<int:shift_id>/<int:user_id>")
def claim(shift_id: int, user_id: int):
    with engine.begin() as conn:
        took = conn.execute(TAKE_PLACE, {"shift": shift_id}).rowcount == 1
        status = "confirmed" if took else "waitlisted"
        conn.execute(INSERT_CLAIM, {"shift": shift_id, "user": user_id, "status": status})
    return jsonify({"status": status}), 201
