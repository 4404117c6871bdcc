import { Component, onWillRender, toRaw, xml } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { DateTimeField, dateField } from "@web/views/fields/datetime/datetime_field";

/**
 * A date of a target's period, always showing the record's value: what will be saved.
 *
 * The server snaps the period's dates to the period that contains the day typed (a
 * quarter typed from 15 Nov runs from 1 Oct). Odoo's date field shows what was typed
 * until its value changes, so when the snapped date is the one the record had before
 * (1 Oct, typed 15 Nov), the typed day stayed on screen while 1 Oct was saved (and the
 * next change of the period started from 1 Oct). Here the date field is drawn again,
 * from the record, whenever the record's value is replaced (by the user, the server or
 * a reload).
 */
export class PeriodDateField extends Component {
    static template = xml`<DateTimeField t-props="props" t-key="version"/>`;
    static components = { DateTimeField };
    static props = { ...DateTimeField.props };

    setup() {
        this.version = 0;
        this.shown = this.recordValue();
        onWillRender(() => {
            const value = this.recordValue();
            if (value !== this.shown) {
                this.shown = value;
                this.version++;
            }
        });
    }

    recordValue() {
        // read through the record (this component renders again when it changes)
        return toRaw(this.props.record.data[this.props.name]);
    }
}

export const periodDateField = {
    ...dateField,
    component: PeriodDateField,
    displayName: _t("Date of a period"),
};

registry.category("fields").add("so_period_date", periodDateField);
