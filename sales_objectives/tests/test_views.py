"""Every window action of the add-ons, in every view type it offers, with its default
filters and grouping, as each demo role: in Chromium, failing on any error (a server
error, an "Oops" dialog, an error in the browser's console).

One browser session per role: the page is loaded once, then the web client's own
action service opens each action and view in turn (no page load per view). A role
opens only what it may open: actions whose groups it has, on models it may read,
reached from a menu it sees (when a menu leads to the action). Actions that need an
active record (the ones the add-ons' buttons return as dictionaries, such as the split
wizard or "Counted records") are not window action records and are not opened here;
a form view is opened on the first record the role reads through the action (a new
record for a wizard, which is what the menu opens), and skipped when there is none."""

import json
import logging

from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

_logger = logging.getLogger(__name__)

ROLES = ("admin", "manager", "leader", "anna", "ben", "demo")
MODULES = ("sales_objectives", "sales_objectives_sale", "sales_objectives_sale_margin")

# the browser part: opens each action and view of the plan in turn; throws (which fails
# the test) when an error dialog shows, a view does not appear or an RPC fails
WALK = """
(async () => {
    const plan = %(plan)s;
    const env = odoo.__WOWL_DEBUG__.root.env;
    const { rpcBus } = odoo.loader.modules.get("@web/core/network/rpc");
    const pending = new Set();
    rpcBus.addEventListener("RPC:REQUEST", ({ detail }) => pending.add(detail.data.id));
    rpcBus.addEventListener("RPC:RESPONSE", ({ detail }) => pending.delete(detail.data.id));
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const problem = () => {
        const dialog = document.querySelector(".o_error_dialog, .o_dialog .o_error_detail");
        return dialog && (dialog.closest(".modal") || dialog).innerText.slice(0, 600);
    };
    async function settle(where, selector) {
        let quiet = 0;
        for (let tick = 0; tick < 400; tick++) {
            const error = problem();
            if (error) {
                throw new Error(`${where}: ${error}`);
            }
            quiet = !pending.size && document.querySelector(selector) ? quiet + 1 : 0;
            if (quiet >= 4) {
                return;
            }
            await sleep(25);
        }
        throw new Error(`${where}: the view did not appear (${selector})`);
    }
    for (const step of plan.steps) {
        for (const view of step.views) {
            const where = `${plan.login}: ${step.xmlid} in ${view.type}`;
            console.log(`sales_objectives views: opening ${where}`);
            const props = view.res_id ? { resId: view.res_id } : {};
            await env.services.action.doAction(step.xmlid, {
                viewType: view.type,
                props,
                clearBreadcrumbs: true,
            });
            const scope = step.dialog ? ".modal " : ".o_action_manager ";
            await settle(where, `${scope}.o_${view.type}_view`);
            if (step.dialog) {
                await env.services.action.doAction({ type: "ir.actions.act_window_close" });
            }
        }
    }
    console.log(`sales_objectives views: ${plan.login} opened ${plan.count} views`);
    console.log("test successful");
})();
"""


@tagged("post_install", "-at_install", "sales_objectives", "so_screens", "so_tours")
class TestEveryView(HttpCase):
    """Opens every window action of the add-ons in every view as each demo role."""

    def _actions(self):
        data = self.env["ir.model.data"].search(
            [("module", "in", MODULES), ("model", "=", "ir.actions.act_window")]
        )
        actions = {f"{d.module}.{d.name}": self.env[d.model].browse(d.res_id) for d in data}
        return dict(sorted(actions.items()))

    def _reachable(self, action, user, visible_menus):
        """Whether ``user`` may open ``action``: its groups, read access to its model,
        and (when menus lead to it) one of those menus shown to the user."""
        if action.groups_id and not (action.groups_id & user.groups_id):
            return False
        if not self.env[action.res_model].with_user(user).has_access("read"):
            return False
        menus = (
            self.env["ir.ui.menu"]
            .with_context(**{"ir.ui.menu.full_list": True})
            .search([("action", "=", f"{action._name},{action.id}")])
        )
        if not menus:
            return True
        for menu in menus:
            node = menu
            while node and node.id in visible_menus:
                node = node.parent_id
            if not node:
                return True
        return False

    def _may_create(self, model, user):
        Model = self.env[model].with_user(user)
        if not Model.has_access("create"):
            return False
        can_create = getattr(Model, "_so_can_create", None)
        return can_create() if can_create else True

    def _plan(self, user, actions):
        visible = set(self.env["ir.ui.menu"].with_user(user)._visible_menu_ids())
        context = {"uid": user.id, "user": user}
        steps, skipped = [], []
        for xmlid, action in actions.items():
            if not self._reachable(action, user, visible):
                skipped.append(f"{xmlid} (not for this role)")
                continue
            views = []
            for view_type in action.view_mode.split(","):
                if view_type != "form" or action.target == "new":
                    views.append({"type": view_type})
                    continue
                domain = safe_eval(action.domain or "[]", context)
                record = self.env[action.res_model].with_user(user).search(domain, limit=1)
                if record:
                    views.append({"type": "form", "res_id": record.id})
                elif self._may_create(action.res_model, user):
                    views.append({"type": "form"})  # what its New button opens
                else:
                    skipped.append(f"{xmlid} form (no record to open, may not create)")
            steps.append({"xmlid": xmlid, "views": views, "dialog": action.target == "new"})
        count = sum(len(step["views"]) for step in steps)
        return {"login": user.login, "steps": steps, "count": count}, skipped

    def test_every_action_every_view_every_role(self):
        actions = self._actions()
        self.assertIn("sales_objectives.sales_target_forecast_action", actions)
        users = {login: self.env["res.users"].search([("login", "=", login)]) for login in ROLES}
        if not all(users.values()):
            self.skipTest("the demo roles are not installed (no demo data)")
        opened = 0
        for login, user in users.items():
            plan, skipped = self._plan(user, actions)
            if skipped:
                _logger.info("%s does not open: %s", login, ", ".join(skipped))
            with self.subTest(role=login):
                self.browser_js(
                    "/odoo",
                    WALK % {"plan": json.dumps(plan)},
                    ready="odoo.isReady",
                    login=login,
                    timeout=300,
                )
            opened += plan["count"]
        # every action is opened by someone, in every view type it offers
        self.assertGreaterEqual(opened, sum(len(a.view_mode.split(",")) for a in actions.values()))

    def test_roles_open_what_their_menus_show(self):
        """The plan follows the menus: a salesperson does not open the KPIs or the plans'
        configuration, a manager opens everything."""
        actions = self._actions()
        users = {login: self.env["res.users"].search([("login", "=", login)]) for login in ROLES}
        if not all(users.values()):
            self.skipTest("the demo roles are not installed (no demo data)")
        opened = {
            login: {step["xmlid"] for step in self._plan(user, actions)[0]["steps"]}
            for login, user in users.items()
        }
        self.assertEqual(opened["manager"], set(actions))
        self.assertNotIn("sales_objectives.sales_kpi_action", opened["anna"])
        self.assertNotIn("sales_objectives.sales_target_action_analysis", opened["anna"])
        self.assertIn("sales_objectives.sales_target_leaderboard_action", opened["anna"])
        self.assertIn("sales_objectives.sales_target_forecast_action", opened["ben"])
