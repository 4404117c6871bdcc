import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { roundDecimals } from "@web/core/utils/numbers";
import { FloatField } from "@web/views/fields/float/float_field";
import { MonetaryField } from "@web/views/fields/monetary/monetary_field";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { formatFigure } from "../target_progress/figures";

/**
 * Decimals of a KPI's values other than amounts, as the server writes them
 * (sales.target._format_value, and the target form's fields): a count is a whole
 * number, a percentage and days have one decimal.
 */
const DIGITS = { count: 0, percent: 1, days: 1 };

/**
 * A value in its KPI's unit, where one column holds KPIs of several units (a plan's
 * lines): an amount is Odoo's monetary field (in the record's currency_id, with its
 * symbol), any other value Odoo's float field with the decimals of its unit ("48",
 * not "48.00"). The record's unit is read from ``options.unit_field`` ("unit").
 */
export class UnitValueField extends Component {
    static template = "sales_objectives.UnitValueField";
    static components = { FloatField, MonetaryField };
    static props = { ...standardFieldProps, unitField: { type: String, optional: true } };
    static defaultProps = { unitField: "unit" };

    get isMoney() {
        return this.props.record.data[this.props.unitField] === "money";
    }
    get fieldProps() {
        const { unitField, ...props } = this.props;
        if (this.isMoney) {
            return props;
        }
        const unit = this.props.record.data[unitField];
        return { ...props, digits: [16, DIGITS[unit] ?? 2] };
    }
}

export const unitValueField = {
    component: UnitValueField,
    displayName: _t("Value in its unit"),
    supportedTypes: ["float"],
    extractProps: ({ options }) => ({ unitField: options.unit_field || "unit" }),
};

registry.category("fields").add("so_unit_value", unitValueField);

/**
 * A figure with the decimals it needs, for the analysis pivot, where one measure
 * column holds KPIs of every unit (each KPI's row is headed with its unit: "Won deals
 * (count)", "Won revenue (USD)"): a whole number without decimals ("8" activities,
 * "72,100" USD), any other with two ("17,670.50"), as the server writes a quantity
 * (_number in models/sales_target.py).
 *
 * @param {number|false} value
 * @returns {string}
 */
export function formatNeededFigure(value) {
    if (value === false || value === null || value === undefined) {
        return "";
    }
    return formatFigure(value, Number.isInteger(roundDecimals(value, 2)) ? 0 : 2);
}

registry.category("formatters").add("so_figure", formatNeededFigure);
