import { registry } from "@web/core/registry";
import { PivotModel } from "@web/views/pivot/pivot_model";
import { pivotView } from "@web/views/pivot/pivot_view";

/**
 * Targets analysis: KPIs have different units (money, counts, percentages, days), so
 * when the rows are grouped by KPI the grand total row, which would add them up, is
 * left out; each KPI keeps its own total.
 */
export class SalesTargetPivotModel extends PivotModel {
    getTable() {
        const table = super.getTable();
        const first = this.metaData.rowGroupBys[0] || "";
        if (first.split(":")[0] === "kpi_id" && table.rows.length > 1) {
            table.rows = table.rows.slice(1);
        }
        return table;
    }
}

registry.category("views").add("sales_target_pivot", {
    ...pivotView,
    Model: SalesTargetPivotModel,
});
