import { Component, onMounted, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { formatDateTime } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { ListController } from "@web/views/list/list_controller";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const { DateTime } = luxon;

/** The bus message a refresh sends when it changed figures (sales.target). */
export const FIGURES_MESSAGE = "sales_objectives/figures";
/** The screens that show figures of targets: they read them again by themselves. */
export const FOLLOWING_MODELS = new Set([
    "sales.target",
    "sales.target.leaderboard",
    "sales.target.forecast",
    "sales.forecast.call",
]);
// messages that come together (a pass writes its figures at once) are read once
const SETTLE_MS = 1500;

/**
 * Calls ``reload(payload)`` when a refresh changed figures the user is concerned by
 * (``payload``: {target_ids} or {many: true}), once for messages arriving together,
 * while the component is mounted.
 */
export function useLiveFigures(reload) {
    const bus = useService("bus_service");
    let timer = null;
    let pending = null;
    const onFigures = (payload) => {
        pending = merge(pending, payload);
        if (!timer) {
            timer = setTimeout(async () => {
                const what = pending;
                timer = null;
                pending = null;
                await reload(what);
            }, SETTLE_MS);
        }
    };
    onMounted(() => bus.subscribe(FIGURES_MESSAGE, onFigures));
    onWillUnmount(() => {
        bus.unsubscribe(FIGURES_MESSAGE, onFigures);
        clearTimeout(timer);
    });
}

function merge(pending, payload) {
    if (!pending || pending.many || payload.many) {
        return pending && (pending.many || payload.many) ? { many: true } : payload;
    }
    return { target_ids: [...new Set([...pending.target_ids, ...payload.target_ids])] };
}

/** Whether ``payload`` names the target ``id`` (or many targets). */
export function namesTarget(payload, id) {
    return Boolean(payload.many || (payload.target_ids || []).includes(id));
}

// lists and kanbans of targets, rankings, forecasts and calls read their records
// again; not while a row is being edited
for (const Controller of [ListController, KanbanController]) {
    patch(Controller.prototype, {
        setup() {
            super.setup(...arguments);
            if (FOLLOWING_MODELS.has(this.props.resModel)) {
                useLiveFigures(async () => {
                    if (this.model.root.editedRecord || this.model.useSampleModel) {
                        return;
                    }
                    await this.model.load();
                });
            }
        },
    });
}

// a target's form reads it again when its figures changed, unless the user is
// changing it
patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        if (this.props.resModel === "sales.target") {
            useLiveFigures(async (payload) => {
                const record = this.model.root;
                if (!record.resId || !namesTarget(payload, record.resId)) {
                    return;
                }
                if (await record.isDirty()) {
                    return;
                }
                await record.load();
            });
        }
    },
});

/**
 * "Updated 40 seconds ago" of figures measured at ``value`` (a luxon DateTime, or
 * none yet), seen at ``now``, in the reader's language.
 */
export function freshnessLabel(value, now) {
    if (!value) {
        return _t("Not measured yet");
    }
    // a clock a little behind the server's says "just now", not "in 2 seconds"
    const moment = value < now ? value : now;
    if (now.diff(moment, "seconds").seconds < 10) {
        return _t("Updated just now");
    }
    return _t("Updated %(when)s", { when: moment.toRelative({ base: now }) });
}

/**
 * How fresh figures are: "Updated 40 seconds ago", in the reader's language, moving on
 * by itself; the moment itself in the tooltip.
 */
export class FreshnessField extends Component {
    static template = "sales_objectives.FreshnessField";
    static props = { ...standardFieldProps };

    setup() {
        this.state = useState({ now: DateTime.now() });
        let interval;
        onMounted(() => {
            interval = setInterval(() => (this.state.now = DateTime.now()), 10000);
        });
        onWillUnmount(() => clearInterval(interval));
    }

    get value() {
        return this.props.record.data[this.props.name];
    }

    get label() {
        return freshnessLabel(this.value, this.state.now);
    }

    get title() {
        return this.value ? formatDateTime(this.value) : "";
    }
}

registry.category("fields").add("so_freshness", {
    component: FreshnessField,
    displayName: _t("Freshness"),
    supportedTypes: ["datetime"],
});
