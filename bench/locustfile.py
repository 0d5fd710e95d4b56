"""The deadline rush's load script, for locust headless (bench/rush.py starts it): one locust user per student.

Each student, signed in with their own session, waits for their moment, saves the motivation step, uploads the
transcript and submits; the late ones submit only after the deadline. Every answer's status and the moments it
was sent and answered are written to RUSH_ANSWERS (JSON) for the bench to check against the database. Not a
part of the portal: it imports no Django, only the plan (RUSH_PLAN) the bench wrote.
"""

import json
import os
import time
from pathlib import Path

import gevent
from locust import HttpUser, events, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["RUSH_PLAN"]).read_text(encoding="utf-8"))
PDF = Path(PLAN["pdf"]).read_bytes()
STUDENTS = iter(PLAN["students"])
ANSWERS = []


class Student(HttpUser):
    def on_start(self):
        self.student = next(STUDENTS)
        for name, value in self.student["cookies"].items():
            self.client.cookies.set(name, value)
        self.answers = {}

    def send(self, step, **form):
        path = f"/en/mobility/applications/{self.student['application']}/{step}/"
        # Behind the HTTPS proxy of production: CSRF checks the origin as a browser would send it.
        headers = {"X-Forwarded-Proto": "https", "Origin": PLAN["origin"], "Referer": PLAN["origin"] + path}
        sent = time.time()
        status, error = None, ""
        try:
            with self.client.post(
                path, headers=headers, allow_redirects=False, catch_response=True, name=step, **form
            ) as response:
                status = response.status_code
                # Every step answers a save, a refusal after the deadline too, with a redirect.
                if status == 302:
                    response.success()
                else:
                    error = f"{step}: {status or type(response.error).__name__}"
                    response.failure(error)
        except OSError as failure:
            error = f"{step}: {type(failure).__name__}"
        self.answers[step] = {"status": status, "sent": sent, "answered": time.time(), "error": error}

    @task
    def finish_the_application(self):
        student = self.student
        gevent.sleep(max(0.0, student["starts_at"] - time.time()))
        token = {"csrfmiddlewaretoken": student["csrf"]}
        self.send("motivation", data=token | {"motivation": student["motivation"]})
        self.send("documents", data=token, files={"transcript": ("transcript.pdf", PDF, "application/pdf")})
        if student["submits_at"]:
            gevent.sleep(max(0.0, student["submits_at"] - time.time()))
        self.send("submit", data=token | {"confirm": "on"})
        ANSWERS.append({"application": student["application"], "answers": self.answers})
        if len(ANSWERS) == len(PLAN["students"]):
            gevent.spawn(self.environment.runner.quit)  # the last student is done: so is the rush
        raise StopUser


@events.quitting.add_listener
def write_answers(environment, **_kwargs):
    Path(os.environ["RUSH_ANSWERS"]).write_text(json.dumps(ANSWERS), encoding="utf-8")
