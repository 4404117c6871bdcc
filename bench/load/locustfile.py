"""Load test of the screens salespeople and managers open (checks/load-test runs it):
reps open My targets, their pipeline with its target strip, an opportunity and the
leaderboard; managers open the targets analysis and the forecast. JSON-RPC, as the web
client calls it."""

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
BOARD_SPEC = {
    name: {}
    for name in (
        "rank",
        "participants",
        "owner_type",
        "status",
        "has_previous",
        "trend",
        "has_figure",
        "attainment",
        "value_label",
        "figures_as_of",
    )
}
BOARD_SPEC["user_id"] = {"fields": {"display_name": {}}}
BOARD_SPEC["team_id"] = {"fields": {"display_name": {}}}
FORECAST_SPEC = {
    name: {}
    for name in (
        "target_label",
        "won_label",
        "commit_label",
        "best_label",
        "gap_label",
        "state",
    )
}
FORECAST_SPEC["user_id"] = {"fields": {"display_name": {}}}
FORECAST_SPEC["team_id"] = {"fields": {"display_name": {}}}
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

    def grouped(self, model, domain, spec, order, groups, name):
        """A view grouped by board, as the web client opens it: the groups, then the
        records of the first ``groups`` of them (each open group)."""
        found = self.call(
            model,
            "web_read_group",
            [domain, [], ["board_id"]],
            {"lazy": True},
            f"{name} (groups)",
        )
        for group in (found or {}).get("groups", [])[:groups]:
            self.call(
                model,
                "web_search_read",
                [group["__domain"], spec],
                {"limit": 40, "order": order},
                f"{name} (records)",
            )

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

    @task(1)
    def leaderboard(self):
        # the menu's default filters: current periods, my teams, salespeople
        domain = [
            ("is_current", "=", True),
            "|",
            ("owner_type", "!=", "user"),
            "|",
            ("team_id.member_ids", "in", [self.uid]),
            ("team_id.so_leader_ids", "in", [self.uid]),
            ("owner_type", "=", "user"),
        ]
        self.grouped(
            "sales.target.leaderboard", domain, BOARD_SPEC, "rank, user_id", 1, "Leaderboard"
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

    @task
    def forecast(self):
        # the menu's default filters for a sales manager: current periods, salespeople,
        # amounts, grouped by board (every group open)
        domain = [("is_current", "=", True), ("owner_type", "=", "user"), ("unit", "=", "money")]
        self.grouped("sales.target.forecast", domain, FORECAST_SPEC, "user_id", 3, "Forecast")
