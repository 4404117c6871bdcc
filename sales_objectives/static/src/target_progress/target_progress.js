import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { localization } from "@web/core/l10n/localization";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { formatPercent } from "./figures";

export const STATUS_CLASS = {
    achieved: "bg-success",
    on_track: "bg-info",
    at_risk: "bg-warning",
    behind: "bg-danger",
};

/**
 * A target's attainment as a bar coloured by its status: full and green when the
 * target is reached (even above 100 %), blue on track, orange at risk, red behind,
 * grey before any status. The percentage is written in the user's language, rounded
 * as every figure is, and in the language's direction wherever the bar is (a list's
 * number column is left to right): "116 %" reads the same in the kanban, the list and
 * the form (./figures.js). A target with nothing measured (not measured yet,
 * or no record to measure: a rate without deals, a churn without customers) has no
 * figure: no bar, no percentage, never "0 %".
 */
export class TargetProgressField extends Component {
    static template = "sales_objectives.TargetProgressField";
    static props = { ...standardFieldProps };

    get value() {
        return this.props.record.data[this.props.name] || 0;
    }
    get status() {
        return this.props.record.data.status;
    }
    get hasFigure() {
        return Boolean(this.props.record.data.has_figure);
    }
    get width() {
        if (this.status === "achieved") {
            return 100;
        }
        return Math.max(0, Math.min(100, this.value));
    }
    get barClass() {
        return STATUS_CLASS[this.status] || "bg-secondary";
    }
    get direction() {
        return localization.direction;
    }
    get text() {
        return formatPercent(this.value, 0);
    }
}

export const targetProgressField = {
    component: TargetProgressField,
    displayName: _t("Target progress"),
    supportedTypes: ["float"],
    fieldDependencies: [
        { name: "status", type: "selection" },
        { name: "has_figure", type: "boolean" },
    ],
};

registry.category("fields").add("so_target_progress", targetProgressField);
