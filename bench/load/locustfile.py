"""Signed-in staff at work, for locust (run by bench/load/run.py, headless, loopback only).

Staff: each simulated caseworker (signed in beforehand by run.py), with no pause, opens case pages of her agency, searches (case search by IIN or name; the intake's identity check
through the API), saves notes and opens cases through the API. Floor: the same sessions, only the
bench floor page (bench/floor.py).
"""

import itertools
import json
import os
import random
from datetime import date, timedelta

from locust import HttpUser, constant, task

ACCOUNTS = json.loads(open(os.environ["QORGAU_LOAD_ACCOUNTS"]).read())  # noqa: SIM115
_next_account = itertools.cycle(range(len(ACCOUNTS)))


class SignedIn(HttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self):
        """Take over a session the orchestrator signed in (password and one-time code) before the
        measured phases, so that Argon2 and sign-in pages are not what is measured."""
        self.client.verify = False  # our own self-signed certificate on loopback
        self.client.headers.update({"Accept-Language": "en", "Referer": self.host + "/"})
        self.account = ACCOUNTS[next(_next_account)]
        self.rng = random.Random(self.account["username"])
        for name, value in self.account["cookies"].items():
            self.client.cookies.set(name, value, domain="127.0.0.1", path="/")

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _post_form(self, path, data, name, get_first=True):
        if get_first and not self._csrf():
            self.client.get(path, name=name)
        return self.client.post(path, data={"csrfmiddlewaretoken": self._csrf(), **data}, name=name)

    def case_id(self) -> str:
        return self.rng.choice(self.account["cases"])


class Staff(SignedIn):
    @task(10)
    def case_page(self):
        self.client.get(f"/cases/{self.case_id()}/", name="case page")

    @task(3)
    def case_search(self):
        terms = self.account["iins"] + self.account["names"]
        self._post_form("/cases/", {"q": self.rng.choice(terms)}, name="case search", get_first=False)

    @task(3)
    def intake_identity_check(self):
        self.client.post(
            "/api/v1/people/identity-check/",
            # From her open intake, as the intake screen asks it (#18: a search needs a purpose).
            json={
                "iin": self.rng.choice(self.account["iins"] or ["900101400404"]),
                "draft_id": self.account["draft"],
            },
            headers={"Authorization": f"Bearer {self.account['token']}"},
            name="intake search (API)",
        )

    @task(2)
    def note(self):
        with self.client.post(
            f"/cases/{self.case_id()}/notes/",
            data={
                "csrfmiddlewaretoken": self._csrf(),
                "section": "general",
                "body": "Called her; she is safe today.",
            },
            name="save note",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"note: {response.status_code}")

    @task(1)
    def intake(self):
        yesterday = (date.today() - timedelta(days=1)).isoformat()
        body = {
            "survivor": {
                "entry_point": "crisis_centre",
                "priority": "normal",
                "given_name": "Айгүл",
                "family_name": "Жүктемеова",
                "sex": "F",
                "birth_date": "1991-02-03",
                "phone": f"+7700000{self.rng.randrange(10000):04d}",
                "region": self.account["region"],
                "disability": "none",
                "citizenship": "KZ",
                "contact_channel": "call",
            },
            "incident": {
                "occurred_on": yesterday,
                "region": self.account["region"],
                "place": "home",
                "q_physical_assault": True,
                "harmful_practice": "none",
                "weapon": "none",
                "injuries": "minor",
                "perpetrator_relationship": "current_partner",
                "perpetrator_sex": "M",
                "account": "He pushed her at home.",
            },
            "consents": [{"purpose": "statistics", "method": "verbal", "given_by": "survivor"}],
        }
        with self.client.post(
            "/api/v1/cases/",
            json=body,
            headers={"Authorization": f"Bearer {self.account['token']}"},
            name="intake (API)",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"intake: {response.status_code} {response.text[:200]}")


class Floor(SignedIn):
    @task
    def floor(self):
        self.client.get(f"/bench/floor/{self.case_id()}/", name="floor")
