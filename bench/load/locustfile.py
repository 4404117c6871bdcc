"""Load test of the screens salespeople and managers open (checks/load-test runs it):
reps open My targets, their pipeline with its target strip, and an opportunity;
managers open the targets analysis. JSON-RPC, as the web client calls it."""

import itertools
import os
import random
from datetime import date

from locust import HttpUser, between, task

DB = os.environ["SO_LOAD_DB"]
PASSWORD = os.environ["SO_LOAD_PASSWORD"]
REPS = itertools.cycle(os.environ["SO_LOAD_REPS"].split(","))
TODAY = date.today().isoformat()
TARGET_SPEC = {
    name: {}
    for name in (
        "kpi_id",
        "period_name",
        "status",
        "attainment",
        "value_label",
        "expected_label",
        "unit",
        "display_name",
        "state",
    )
}
TARGET_SPEC["kpi_id"] = {"fields": {"display_name": {}}}
LEAD_SPEC = {
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "expected_revenue": {},
    "probability": {},
    "stage_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "activity_state": {},
}


class OdooUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    login = None

    def on_start(self):
        response = self.client.post(
            "/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": DB, "login": self.login, "password": PASSWORD},
            },
            name="login",
        )
        self.uid = response.json()["result"]["uid"]

    def call(self, model, method, args, kwargs, name):
        with self.client.post(
            f"/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
            },
            name=name,
            catch_response=True,
        ) as response:
            body = response.json()
            if "error" in body:
                response.failure(body["error"]["data"]["message"][:200])
                return None
            return body["result"]


class Rep(OdooUser):
    weight = 4

    def on_start(self):
        self.login = next(REPS)
        super().on_start()
        leads = self.call(
            "crm.lead",
            "search",
            [[("user_id", "=", self.uid), ("type", "=", "opportunity")]],
            {"limit": 50},
            "setup",
        )
        self.leads = leads or []

    @task(3)
    def my_targets(self):
        domain = [
            ("owner_type", "=", "user"),
            ("user_id", "=", self.uid),
            ("date_from", "<=", TODAY),
            ("date_to", ">=", TODAY),
        ]
        self.call(
            "sales.target", "web_search_read", [domain, TARGET_SPEC], {"limit": 40}, "My targets"
        )

    @task(3)
    def pipeline(self):
        domain = [("user_id", "=", self.uid), ("type", "=", "opportunity")]
        self.call(
            "crm.lead",
            "web_read_group",
            [domain, ["expected_revenue:sum"], ["stage_id"]],
            {"lazy": True},
            "Pipeline (columns)",
        )
        self.call(
            "crm.lead", "web_search_read", [domain, LEAD_SPEC], {"limit": 80}, "Pipeline (cards)"
        )
        self.call("sales.target", "so_strip_data", [], {}, "Pipeline (target strip)")

    @task(2)
    def opportunity(self):
        if self.leads:
            self.call(
                "crm.lead",
                "web_read",
                [[random.choice(self.leads)], LEAD_SPEC],
                {},
                "Opportunity",
            )


class Manager(OdooUser):
    weight = 1
    login = "admin"

    @task
    def analysis(self):
        domain = [("date_from", "<=", TODAY), ("date_to", ">=", TODAY), ("owner_type", "=", "user")]
        self.call(
            "sales.target",
            "read_group",
            [
                domain,
                ["target_value:sum", "actual_value:sum", "attainment:avg"],
                ["kpi_id", "team_id"],
            ],
            {"lazy": False},
            "Targets analysis (pivot)",
        )
