"""The busiest day's traffic: volunteers browse nearby tasks, claim, cancel, check in and ask for help; team
leaders claim places for their members together; organizers post tasks, read rosters and help requests and
confirm hours. Run by bench/load/run.py (locust headless); BENCH_SCENARIO names the JSON file
bench/load/dataset.py wrote, BENCH_CLAIMS the file where every 201 claim answer is recorded for the checks.

Answers the domain refuses on purpose (409: already claimed, already checked in...) are not failures; a 5xx or a
transport error is.
"""

import json
import os
import random
from datetime import UTC, datetime, timedelta

from locust import FastHttpUser, between, events, task

SCENARIO = json.loads(open(os.environ["BENCH_SCENARIO"]).read())  # noqa: SIM115
BOX = SCENARIO["box"]
created_claims: list[tuple[int, int]] = []  # (claim id, user id) of every 201 claim answer
_volunteers = iter(random.Random(1).sample(SCENARIO["volunteers"], len(SCENARIO["volunteers"])))
_running = {}
for row in SCENARIO["running_claims"]:
    _running.setdefault(row["user_id"], []).append(row)
_organizers = iter(SCENARIO["organizers"] * 1000)
_teams = iter(SCENARIO["teams"] * 1000)


def _expected(response, *codes) -> None:
    """Success is any expected status; a 5xx or an unexpected answer is a failure (with its status)."""
    if response.status_code in codes:
        response.success()
    else:
        response.failure(f"HTTP {response.status_code}")


class Volunteer(FastHttpUser):
    weight = 20
    wait_time = between(0.05, 0.2)

    def on_start(self):
        me = next(_volunteers)
        self.user_id, self.headers = me["id"], {"Authorization": f"Bearer {me['token']}"}
        self.mine: list[int] = []
        self.running = list(_running.get(self.user_id, []))

    @task(10)
    def nearby(self):
        lat, lon = random.uniform(BOX[0], BOX[1]), random.uniform(BOX[2], BOX[3])
        with self.client.get(
            f"/api/v1/tasks?lat={lat:.5f}&lon={lon:.5f}",
            headers=self.headers,
            name="GET /tasks (nearby)",
            catch_response=True,
        ) as response:
            _expected(response, 200)

    @task(5)
    def claim(self):
        shift = random.choice(SCENARIO["open_shifts"])
        with self.client.post(
            f"/api/v1/shifts/{shift}/claims", headers=self.headers, name="POST /shifts/:id/claims", catch_response=True
        ) as response:
            _expected(response, 201, 409)
            if response.status_code == 201:
                claim_id = response.json()["id"]
                self.mine.append(claim_id)
                created_claims.append((claim_id, self.user_id))

    @task(1)
    def cancel(self):
        if self.mine:
            claim_id = self.mine.pop(random.randrange(len(self.mine)))
            with self.client.delete(
                f"/api/v1/claims/{claim_id}", headers=self.headers, name="DELETE /claims/:id", catch_response=True
            ) as response:
                _expected(response, 200, 204, 409)

    @task(1)
    def check_in(self):
        if self.running:
            claim = self.running.pop()
            body = {"lat": claim["lat"], "lon": claim["lon"], "accuracy_m": 15}
            with self.client.post(
                f"/api/v1/claims/{claim['claim_id']}/check-in",
                json=body,
                headers=self.headers,
                name="POST /claims/:id/check-in",
                catch_response=True,
            ) as response:
                _expected(response, 200, 409)

    @task(1)
    def ask_for_help(self):
        needed_at = (datetime.now(UTC) + timedelta(hours=random.randint(2, 48))).replace(microsecond=0)
        body = {
            "type": "delivery",
            "description": "居家隔离，请帮忙买菜送到门口。",
            "address": "3栋501",
            "needed_at": needed_at.isoformat(),
            "contact_phone": "13800138000",
            "community_id": random.choice(SCENARIO["communities"]),
        }
        with self.client.post(
            "/api/v1/help-requests", json=body, headers=self.headers, name="POST /help-requests", catch_response=True
        ) as response:
            _expected(response, 201)


class TeamLeader(FastHttpUser):
    weight = 2
    wait_time = between(0.5, 1.5)

    def on_start(self):
        team = next(_teams)
        self.team, self.headers = team, {"Authorization": f"Bearer {team['token']}"}

    @task(3)
    def claim_for_members(self):
        """A place each for two or three members on one shift, all or nothing (409 names who blocked it)."""
        shift = random.choice(SCENARIO["open_shifts"])
        body = {"team_id": self.team["id"], "member_ids": random.sample(self.team["members"], random.randint(2, 3))}
        with self.client.post(
            f"/api/v1/shifts/{shift}/team-claims",
            json=body,
            headers=self.headers,
            name="POST /shifts/:id/team-claims",
            catch_response=True,
        ) as response:
            _expected(response, 201, 409)
            if response.status_code == 201:
                created_claims.extend((claim["id"], claim["user_id"]) for claim in response.json()["claims"])

    @task(1)
    def team_page(self):
        with self.client.get(
            f"/api/v1/teams/{self.team['id']}", headers=self.headers, name="GET /teams/:id", catch_response=True
        ) as response:
            _expected(response, 200)


class Organizer(FastHttpUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self):
        me = next(_organizers)
        self.me, self.headers = me, {"Authorization": f"Bearer {me['token']}"}
        self.to_confirm = list(me["ended_shifts"])

    @task(2)
    def post_task(self):
        start = (datetime.now(UTC) + timedelta(days=2, hours=random.randint(0, 48))).replace(microsecond=0)
        body = {
            "org_id": self.me["org_id"],
            "title": "临时卡口值守",
            "type": "checkpoint",
            "lat": random.uniform(BOX[0], BOX[1]),
            "lon": random.uniform(BOX[2], BOX[3]),
            "shifts": [
                {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=4)).isoformat(), "capacity": 5}
            ],
        }
        with self.client.post(
            "/api/v1/tasks", json=body, headers=self.headers, name="POST /tasks", catch_response=True
        ) as response:
            _expected(response, 201)

    @task(2)
    def confirm_hours(self):
        if self.to_confirm:
            shift = self.to_confirm.pop()
            with self.client.post(
                f"/api/v1/shifts/{shift}/confirm-all",
                headers=self.headers,
                name="POST /shifts/:id/confirm-all",
                catch_response=True,
            ) as response:
                _expected(response, 200)

    @task(1)
    def roster(self):
        shift = random.choice(self.me["ended_shifts"])
        with self.client.get(
            f"/api/v1/shifts/{shift}/roster", headers=self.headers, name="GET /shifts/:id/roster", catch_response=True
        ) as response:
            _expected(response, 200)

    @task(1)
    def help_inbox(self):
        with self.client.get(
            "/api/v1/help-requests?view=inbox",
            headers=self.headers,
            name="GET /help-requests (inbox)",
            catch_response=True,
        ) as response:
            _expected(response, 200)


@events.quitting.add_listener
def _save_claims(environment, **kwargs):
    with open(os.environ["BENCH_CLAIMS"], "w") as out:
        json.dump(created_claims, out)
