import { Component, onMounted, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { crmKanbanView } from "@crm/views/crm_kanban/crm_kanban_view";
import { STATUS_CLASS } from "@sales_objectives/target_progress/target_progress";
import { freshnessLabel, useLiveFigures } from "@sales_objectives/live_figures/live_figures";
import { deserializeDateTime } from "@web/core/l10n/dates";

const { DateTime } = luxon;

/**
 * Above the pipeline: the current user's targets of the current periods, compact;
 * each opens its target.
 */
export class SalesTargetStrip extends Component {
    static template = "sales_objectives.SalesTargetStrip";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ targets: [], now: DateTime.now() });
        onWillStart(() => this.load());
        // a refresh changed figures of this user's targets: read them again
        useLiveFigures(() => this.load());
        let interval;
        onMounted(() => {
            interval = setInterval(() => (this.state.now = DateTime.now()), 10000);
        });
        onWillUnmount(() => clearInterval(interval));
    }

    async load() {
        this.state.targets = await this.orm.call("sales.target", "so_strip_data", []);
        this.state.now = DateTime.now();
    }

    /** "Updated 40 seconds ago": the oldest figures of the strip. */
    get freshness() {
        const moments = this.state.targets
            .filter((target) => target.as_of)
            .map((target) => deserializeDateTime(target.as_of));
        if (!moments.length) {
            return "";
        }
        return freshnessLabel(DateTime.min(...moments), this.state.now);
    }

    width(target) {
        if (target.status === "achieved") {
            return "100%";
        }
        return `${Math.max(0, Math.min(target.attainment, 100))}%`;
    }

    barClass(target) {
        // as the target's progress bar: grey before any status
        return STATUS_CLASS[target.status] || "bg-secondary";
    }

    open(target) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "sales.target",
            res_id: target.id,
            views: [[false, "form"]],
        });
    }
}

export class SalesObjectivesCrmKanbanController extends crmKanbanView.Controller {
    static template = "sales_objectives.CrmKanbanView";
    static components = { ...crmKanbanView.Controller.components, SalesTargetStrip };
}

registry.category("views").add(
    "crm_kanban",
    { ...crmKanbanView, Controller: SalesObjectivesCrmKanbanController },
    { force: true }
);
