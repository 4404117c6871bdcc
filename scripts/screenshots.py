"""Takes the README's screenshots from the running demo (scripts/screenshots runs it).

Each shot logs in as a demo user, opens a page in headless Chromium (driven through
the DevTools protocol), optionally clicks and types its way to a dialog or a popover,
waits for what it shows, and saves a PNG into docs/images/.

Usage: python3 scripts/screenshots.py --url http://127.0.0.1:PORT --db DB --out DIR
"""

import argparse
import ast
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

# (file, login, path, steps, selector that must show before the picture)
# A step is ("click", selector), ("type", selector, text), ("scroll", selector) or
# ("wait", selector); a path
# may name a record by "{model:domain}" (the first match's id).
OPEN_TABLES = ("click", ".o_kanban_record:contains('Quote for 12 Tables')")
SHOTS = [
    (
        "my_targets.png",
        "anna",
        "/odoo/action-sales_objectives.sales_target_action_my",
        [],
        ".o_kanban_record .o_sales_target_progress",
    ),
    (
        "my_targets_behind.png",
        "ben",
        "/odoo/action-sales_objectives.sales_target_action_my",
        [],
        ".o_kanban_record .o_sales_target_progress",
    ),
    (
        "pipeline_strip.png",
        "anna",
        "/odoo/crm",
        [],
        ".o_sales_target_strip .o_sales_target_strip_item",
    ),
    (
        "target_form.png",
        "admin",
        "/odoo/action-sales_objectives.sales_target_action_team/"
        "{sales.target:[('owner_type', '=', 'team'), ('kpi_id.metric', '=', 'won_revenue')]}",
        [],
        ".o_form_view .o_sales_target_summary p",
    ),
    (
        "ordered_amount_target.png",
        "admin",
        "/odoo/action-sales_objectives.sales_target_action_team/"
        "{sales.target:[('owner_type', '=', 'team'), ('kpi_id.metric', '=', 'ordered_amount')]}",
        [],
        ".o_form_view .o_sales_target_summary p",
    ),
    (
        "burnup.png",
        "admin",
        "/odoo/action-sales_objectives.sales_target_action_team/"
        "{sales.target:[('owner_type', '=', 'team'), ('kpi_id.metric', '=', 'won_revenue')]}",
        [
            ("click", ".o_notebook a:contains('Burn-up')"),
            ("scroll", ".o_sales_target_burnup canvas"),
        ],
        ".o_sales_target_burnup canvas",
    ),
    (
        "team_dashboard.png",
        "admin",
        "/odoo/action-sales_team.crm_team_action_pipeline",
        [],
        ".o_kanban_record .o_sales_target_progress",
    ),
    (
        "targets_analysis.png",
        "manager",
        "/odoo/action-sales_objectives.sales_target_action_analysis",
        [],
        ".o_pivot table",
    ),
    (
        "plan_form.png",
        "admin",
        "/odoo/action-sales_objectives.sales_target_plan_action/"
        "{sales.target.plan:[('team_id.name', '=', 'Sales')]}",
        [],
        ".o_form_view .o_field_widget[name=line_ids] .o_data_row",
    ),
    (
        "forecast.png",
        "admin",
        "/odoo/action-sales_objectives.sales_target_forecast_action",
        [],
        ".o_list_view .o_data_row",
    ),
    (
        "leaderboard.png",
        "leader",
        "/odoo/action-sales_objectives.sales_target_leaderboard_action",
        [],
        ".o_kanban_record .o_sales_leaderboard_position",
    ),
    (
        "funnel.png",
        "leader",
        "/odoo/crm",
        [
            ("click", ".o_menu_sections button:contains('Reporting')"),
            ("click", ".dropdown-item:contains('Funnel per Salesperson')"),
            ("click", ".modal button[name=action_compute]"),
        ],
        ".o_field_widget[name=hints]:contains('Ben Newcomer')",
    ),
    (
        "schedule_objective.png",
        "admin",
        "/odoo/crm",
        [
            OPEN_TABLES,
            ("click", ".o_form_view button.o-mail-Chatter-activity"),
            ("type", ".modal .o_field_widget[name=activity_type_id] input", "Call"),
            (
                "click",
                ".modal .o_field_widget[name=activity_type_id] "
                ".o-autocomplete--dropdown-item a:contains('Call')",
            ),
            ("type", ".modal .o_field_widget[name=summary] input", "Pricing call"),
            ("click", ".modal .o_field_widget[name=so_objective_type] input[data-value=sales]"),
            (
                "type",
                ".modal .o_field_widget[name=so_statement] input",
                "Order of 12 meeting tables signed",
            ),
            ("type", ".modal .o_field_widget[name=so_product_id] input", "Large Meeting"),
            (
                "click",
                ".modal .o_field_widget[name=so_product_id] "
                ".o-autocomplete--dropdown-item a:contains('Large Meeting Table')",
            ),
            ("type", ".modal .o_field_widget[name=so_target_value] input", "30000"),
            ("click", ".modal .o_field_widget[name=so_statement] input"),
        ],
        ".modal .o_field_widget[name=so_smart_message]:contains('Specific')",
    ),
    (
        "mark_done_outcome.png",
        "admin",
        "/odoo/crm",
        [
            OPEN_TABLES,
            # the chatter is below the form: its popover opens where the activity is
            ("scroll", ".o-mail-Activity:contains('Meeting to go over pricing')"),
            (
                "click",
                ".o-mail-Activity:contains('Meeting to go over pricing') .o-mail-Activity-markDone",
            ),
            ("click", ".o-mail-ActivityMarkAsDone .o_sales_objective_outcome_partly"),
            ("type", ".o-mail-ActivityMarkAsDone .o_sales_objective_result", "18000"),
        ],
        ".o-mail-ActivityMarkAsDone .o_sales_objective_outcome",
    ),
    (
        "target_to_approve.png",
        "manager",
        "/odoo/action-sales_objectives.sales_target_action/"
        "{sales.target:[('state', '=', 'submitted'), ('owner_type', '=', 'user')]}",
        [],
        ".o_form_view button[name=action_send_back]",
    ),
    (
        "forecast_calls.png",
        "leader",
        "/odoo/action-sales_objectives.sales_forecast_call_action_open",
        [],
        ".o_list_view .o_data_row",
    ),
    (
        "plan_grid.png",
        "leader",
        "/odoo/action-sales_objectives.sales_target_plan_action/"
        "{sales.target.plan:[('team_id.name', '=', 'Direct Sales')]}",
        [("click", ".o_notebook a:contains('Targets by salesperson')")],
        ".o_so_plan_grid .o_so_plan_grid_totals",
    ),
    (
        "target_changes.png",
        "manager",
        "/odoo/action-sales_objectives.sales_target_audit_action",
        [],
        ".o_list_view .o_data_row",
    ),
    (
        "credit-split.png",
        "anna",
        "/odoo/crm",
        [
            ("click", ".o_kanban_record:contains('Lounge area')"),
            ("click", ".o_notebook a:contains('Credit split')"),
        ],
        ".o_field_widget[name=so_credit_split_ids] .o_data_row",
    ),
    (
        "opportunity_objectives.png",
        "admin",
        "/odoo/crm",
        [
            ("click", ".o_kanban_record:contains('5 VP Chairs')"),
            ("click", ".o_notebook a:contains('Objectives')"),
        ],
        ".o_field_widget[name=sales_objective_ids] .o_data_row",
    ),
]

# finds an element by a selector that may use :contains('text') (as tours do)
FIND = r"""
(selector) => {
    const visible = (el) => el.offsetParent !== null;
    const find = (root, sel) => {
        const m = sel.match(/^(.*?):contains\('([^']*)'\)(.*)$/);
        if (!m) {
            const all = [...root.querySelectorAll(sel)];
            return all.find(visible) || all[0] || null;
        }
        const [, head, text, rest] = m;
        const candidates = [...root.querySelectorAll(head.trim())].filter((el) =>
            el.textContent.includes(text)
        );
        for (const el of candidates) {
            if (!rest.trim()) {
                if (visible(el)) {
                    return el;
                }
                continue;
            }
            const found = find(el, rest.trim());
            if (found) {
                return found;
            }
        }
        return rest.trim() ? null : candidates[0] || null;
    };
    return find(document, selector);
}
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def login(url, db, user):
    """A session cookie for ``user`` (login = password in the demo)."""
    payload = json.dumps(
        {"jsonrpc": "2.0", "params": {"db": db, "login": user, "password": user}}
    ).encode()
    request = urllib.request.Request(
        f"{url}/web/session/authenticate",
        data=payload,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.load(response)
        if body.get("error"):
            raise SystemExit(f"login {user} refused: {body['error']}")
        for header in response.headers.get_all("Set-Cookie"):
            if header.startswith("session_id="):
                return header.split(";")[0].split("=", 1)[1]
    raise SystemExit(f"no session for {user}")


class Chrome:
    def __init__(self, binary):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="so_shots_")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-allow-origins=*",
                "--window-size=1366,900",
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={self.port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json", timeout=1) as r:
                    pages = [p for p in json.load(r) if p["type"] == "page"]
                    if pages:
                        break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("Chromium did not start")
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        self.counter = 0
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method, **params):
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        return result.get("result", {}).get("value")

    def wait_for(self, condition, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(condition):
                return True
            time.sleep(0.25)
        return False

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=20)
        shutil.rmtree(self.profile, ignore_errors=True)


def record_id(url, session, spec):
    """The id of the first record of ``spec`` = "model:domain"."""
    model, domain = spec.split(":", 1)
    payload = json.dumps(
        {
            "jsonrpc": "2.0",
            "params": {
                "model": model,
                "method": "search",
                "args": [ast.literal_eval(domain)],
                "kwargs": {"limit": 1},
            },
        }
    ).encode()
    request = urllib.request.Request(
        f"{url}/web/dataset/call_kw",
        data=payload,
        headers={"Content-Type": "application/json", "Cookie": f"session_id={session}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        found = json.load(response).get("result")
    if not found:
        raise SystemExit(f"no {model} matches {domain}")
    return found[0]


def run_step(chrome, name, step):
    action, selector = step[0], step[1]
    find = f"({FIND})({json.dumps(selector)})"
    if not chrome.wait_for(f"!!{find}", timeout=30):
        raise SystemExit(f"{name}: {selector} did not show")
    if action == "click":
        chrome.evaluate(f"{find}.click()")
    elif action == "scroll":
        chrome.evaluate(f"{find}.scrollIntoView({{block: 'center'}})")
    elif action == "type":
        text = json.dumps(step[2])
        chrome.evaluate(
            f"(() => {{ const el = {find}; el.focus(); el.value = {text};"
            " el.dispatchEvent(new Event('input', {bubbles: true}));"
            " el.dispatchEvent(new Event('change', {bubbles: true})); })()"
        )
    time.sleep(0.5)


def shoot(chrome, url, db, out, shot):
    name, user, path, steps, selector = shot
    session = login(url, db, user)
    host = url.split("//", 1)[1].split(":")[0]
    chrome.call("Network.clearBrowserCookies")
    chrome.call("Network.setCookie", name="session_id", value=session, domain=host, path="/")
    if "{" in path:
        head, spec = path.split("{", 1)
        path = f"{head}{record_id(url, session, spec.rstrip('}'))}"
    chrome.call("Page.navigate", url=f"{url}{path}")
    if not chrome.wait_for(
        "!!(window.odoo && document.querySelector('.o_action_manager .o_view_controller'))"
    ):
        raise SystemExit(f"{name}: the page did not load")
    for step in steps:
        run_step(chrome, name, step)
    run_step(chrome, name, ("wait", selector))
    time.sleep(1.0)
    data = chrome.call("Page.captureScreenshot", format="png")["data"]
    with open(os.path.join(out, name), "wb") as handle:
        handle.write(base64.b64decode(data))
    print(f"  {name} ({user})", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--chromium",
        default=shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome"),
    )
    args = parser.parse_args()
    if not args.chromium:
        raise SystemExit("Chromium is needed for the screenshots (e.g. apt install chromium)")
    chrome = Chrome(args.chromium)
    try:
        chrome.call("Network.enable")
        for shot in SHOTS:
            shoot(chrome, args.url, args.db, args.out, shot)
    finally:
        chrome.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
