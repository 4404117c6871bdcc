import {
    Component,
    onWillStart,
    onWillUpdateProps,
    useExternalListener,
    useState,
} from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import {
    asciiDigits,
    numberExample,
    parseTypedFloat,
    wellGrouped,
} from "@sales_objectives/digits/digits";
import { formatFigure } from "@sales_objectives/target_progress/figures";

/**
 * A plan's salesperson targets as a grid: salespeople (rows) x periods (columns), one
 * KPI at a time, with row and column totals where the KPI's values add up. Read with
 * one call (sales.target.plan.grid_read) and saved with one (grid_write), which goes
 * through the targets' own write: what the server refuses refuses the whole batch,
 * the web client shows why, and what was typed stays on screen.
 */
export class PlanGrid extends Component {
    static template = "sales_objectives.PlanGrid";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        // edits: {cell key: the text typed}; errors: {cell key: why it is no number}
        this.state = useState({
            data: null,
            kpiId: null,
            edits: {},
            errors: {},
            reason: "",
            saving: false,
        });
        onWillStart(() => this.load(this.props.record.resId));
        // typed and not saved: the browser asks before the page is left
        useExternalListener(window, "beforeunload", (ev) => {
            if (this.editCount) {
                ev.preventDefault();
                ev.returnValue = "";
            }
        });
        onWillUpdateProps((next) => {
            if (next.record.resId !== this.props.record.resId) {
                return this.load(next.record.resId);
            }
        });
    }

    async load(resId) {
        if (!resId) {
            this.state.data = null;
            return;
        }
        this.show(await this.orm.call("sales.target.plan", "grid_read", [[resId]]));
    }

    show(data) {
        this.state.data = data;
        if (!data.kpis.some((kpi) => kpi.id === this.state.kpiId)) {
            this.state.kpiId = data.kpis.length ? data.kpis[0].id : null;
        }
        this.cells = {};
        for (const cell of data.cells) {
            this.cells[this.key(cell.kpi, cell.user, cell.column)] = cell;
        }
        this.team = {};
        for (const cell of data.team) {
            this.team[`${cell.kpi}|${cell.column}`] = cell.value;
        }
    }

    // ------------------------------------------------------------------
    // What the grid shows
    // ------------------------------------------------------------------

    get kpi() {
        return this.state.data?.kpis.find((kpi) => kpi.id === this.state.kpiId);
    }

    get editCount() {
        return Object.keys(this.state.edits).length;
    }

    get pendingText() {
        return _t("%(count)s unsaved changes", { count: this.editCount });
    }

    get errorList() {
        const { rows, columns } = this.state.data;
        return Object.entries(this.state.errors).map(([key, message]) => {
            const [, user, column] = key.split("|");
            const row = rows.find((r) => String(r.id) === user);
            const col = columns.find((c) => c.key === column);
            return { key, text: `${row?.name} · ${col?.label}: ${message}` };
        });
    }

    key(kpiId, userId, column) {
        return `${kpiId}|${userId}|${column}`;
    }

    cell(row, column) {
        return this.cells[this.key(this.state.kpiId, row.id, column.key)];
    }

    isEditable(row, column) {
        const cell = this.cell(row, column);
        return cell ? cell.editable : row.editable;
    }

    why(row, column) {
        const cell = this.cell(row, column);
        return (cell ? cell.why : row.why) || "";
    }

    format(value) {
        // a total over a cell that does not hold a number: not a figure yet
        return Number.isNaN(value) ? "—" : formatFigure(value, this.kpi.digits);
    }

    /** The text of a cell: as typed, or the target's value (empty: no target). */
    text(row, column) {
        const key = this.key(this.state.kpiId, row.id, column.key);
        if (key in this.state.edits) {
            return this.state.edits[key];
        }
        const cell = this.cells[key];
        return cell ? this.format(cell.value) : "";
    }

    /** The value a cell counts for in the totals: as typed when it is a number (NaN
     * when it is not: the totals over it say no figure). */
    value(row, column) {
        const key = this.key(this.state.kpiId, row.id, column.key);
        if (key in this.state.errors) {
            return NaN;
        }
        if (key in this.state.edits) {
            const typed = this.state.edits[key];
            return typed.trim() ? parseTypedFloat(typed) : 0;
        }
        return this.cells[key]?.value || 0;
    }

    rowTotal(row) {
        return this.format(
            this.state.data.columns.reduce((sum, column) => sum + this.value(row, column), 0)
        );
    }

    columnTotal(column) {
        return this.state.data.rows.reduce((sum, row) => sum + this.value(row, column), 0);
    }

    grandTotal() {
        return this.format(
            this.state.data.columns.reduce((sum, column) => sum + this.columnTotal(column), 0)
        );
    }

    teamValue(column) {
        const value = this.team[`${this.state.kpiId}|${column.key}`];
        // no team target for the period: a dash, not an empty cell read as zero
        return value === undefined ? "—" : this.format(value);
    }

    /** The salespeople's total differs from the team's target of the period. */
    teamDiffers(column) {
        const value = this.team[`${this.state.kpiId}|${column.key}`];
        return (
            value !== undefined &&
            this.format(value) !== this.format(this.columnTotal(column))
        );
    }

    isInvalid(row, column) {
        return this.key(this.state.kpiId, row.id, column.key) in this.state.errors;
    }

    // ------------------------------------------------------------------
    // Typing and saving
    // ------------------------------------------------------------------

    onKpi(ev) {
        this.state.kpiId = parseInt(ev.target.value);
    }

    onInput(row, column, ev) {
        const key = this.key(this.state.kpiId, row.id, column.key);
        const typed = ev.target.value;
        const cell = this.cells[key];
        delete this.state.errors[key];
        if (!cell && !typed.trim()) {
            delete this.state.edits[key];
            return;
        }
        this.state.edits[key] = typed;
        if (!typed.trim()) {
            this.state.errors[key] = _t("type a number (0 for none)");
            return;
        }
        try {
            parseTypedFloat(typed);
        } catch {
            this.state.errors[key] = wellGrouped(asciiDigits(typed))
                ? _t("“%(text)s” is not a number", { text: typed })
                : _t("“%(text)s”: write numbers as %(example)s", {
                      text: typed,
                      example: numberExample(),
                  });
        }
    }

    discard() {
        this.state.edits = {};
        this.state.errors = {};
    }

    async save() {
        if (Object.keys(this.state.errors).length) {
            this.notification.add(
                _t("Some cells do not hold a number: correct them, then save. Nothing was saved."),
                { type: "danger" }
            );
            return;
        }
        const changes = Object.entries(this.state.edits).map(([key, typed]) => {
            const [kpi, user, column] = key.split("|");
            return {
                kpi_id: parseInt(kpi),
                user_id: parseInt(user),
                date_from: column,
                value: parseTypedFloat(typed),
            };
        });
        if (!changes.length) {
            return;
        }
        this.state.saving = true;
        try {
            // refused: the web client says why; the typed values stay
            const data = await this.orm.call(
                "sales.target.plan",
                "grid_write",
                [[this.props.record.resId], changes],
                { reason: this.state.reason }
            );
            this.show(data);
            this.state.edits = {};
            this.state.reason = "";
            const count = changes.length;
            this.notification.add(
                count === 1 ? _t("1 target saved.") : _t("%(count)s targets saved.", { count }),
                { type: "success" }
            );
        } finally {
            this.state.saving = false;
        }
    }
}

registry.category("view_widgets").add("so_plan_grid", { component: PlanGrid });
