"""What one claim costs the web process, in-process (no HTTP server, no load generator): the claim endpoint
against the bare atomic-claim app (bench/baseline_app.py), on the same data as bench/claims_http.py.

    .venv/bin/python bench/claim_cost.py --database postgresql://postgres@127.0.0.1:5432/postgres

Prints CPU and wall time per claim (best of the rounds, the two apps alternating, since this machine's speed
drifts), the database round trips of one claim, and the Python function calls per claim: a count that does
not drift, for comparing two versions of the code.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.claims_http import prepare  # noqa: E402
from bench.stores import run_stores  # noqa: E402
from volunteer_hub import create_app  # noqa: E402
from volunteer_hub.core import redis as embedded_redis  # noqa: E402
from volunteer_hub.extensions import db  # noqa: E402


class Claims:
    """WSGI environs of new claims, each a (volunteer, shift) pair not claimed before."""

    def __init__(self, data: dict):
        self.data, self.count = data, 0

    def environs(self, mode: str, n: int) -> list[dict]:
        users, shifts, tokens = self.data["users"], self.data["shifts"], self.data["tokens"]
        result = []
        for i in range(self.count, self.count + n):
            user, shift = i % len(users), (i // len(users)) % len(shifts)
            if mode == "baseline":
                builder = EnvironBuilder(path=f"/claim/{shifts[shift]}/{users[user]}", method="POST")
            else:
                builder = EnvironBuilder(
                    path=f"/api/v1/shifts/{shifts[shift]}/claims",
                    method="POST",
                    headers={"Authorization": f"Bearer {tokens[user]}"},
                )
            result.append(builder.get_environ())
        self.count += n
        return result


def call(app, environ) -> str:
    status = []
    b"".join(app(environ, lambda code, headers, exc_info=None: status.append(code)))
    return status[0]


def timed(app, environs) -> tuple[float, float]:
    """(CPU ms, wall ms) per claim."""
    cpu, wall = time.process_time(), time.perf_counter()
    for environ in environs:
        if not call(app, environ).startswith("201"):
            sys.exit(f"a claim answered {call(app, environ)}")
    return ((time.process_time() - cpu) * 1000 / len(environs), (time.perf_counter() - wall) * 1000 / len(environs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="", help="PostgreSQL URL; default: a fresh SQLite file")
    parser.add_argument("--claims", type=int, default=400, help="claims per app and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    out, url, redis_url = run_stores(args.database, "cost")
    claims = Claims(prepare(url, redis_url, out))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "bench",
            "SMS_SENDER": "dev",
            "RATELIMIT_ENABLED": False,
        }
    )
    os.environ["DATABASE_URL"] = url.replace("+psycopg", "")
    from bench import baseline_app

    apps = {"baseline": baseline_app.app, "app": app}
    best = {}
    for mode, target in apps.items():
        timed(target, claims.environs(mode, 50))  # warm: compiled statements, prepared on the server
    for _ in range(args.rounds):
        for mode, target in apps.items():
            best[mode] = min(best.get(mode, (float("inf"), 0.0)), timed(target, claims.environs(mode, args.claims)))
    profile = cProfile.Profile()
    environs = claims.environs("app", 200)
    profile.enable()
    for environ in environs:
        call(app, environ)
    profile.disable()
    calls = pstats.Stats(profile).total_calls / len(environs)
    statements = []

    def record(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
        call(app, claims.environs("app", 1)[0])
    print(f"per claim, best of {args.rounds} rounds of {args.claims}:")
    for mode, label in (("baseline", "bare atomic claim"), ("app", "POST /api/v1/shifts/<id>/claims")):
        print(f"  {label:<34} CPU {best[mode][0]:.2f} ms  wall {best[mode][1]:.2f} ms")
    print(f"  endpoint CPU / bare CPU: {best['app'][0] / best['baseline'][0]:.2f}")
    print(
        f"  statements of one claim besides BEGIN and COMMIT: {len(statements)}; "
        f"Python function calls per claim: {calls:.0f}"
    )
    embedded_redis.stop_embedded()


if __name__ == "__main__":
    main()
