import { Component, onMounted, onWillStart, onWillUnmount, useRef } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { formatFigure } from "@sales_objectives/target_progress/figures";

/**
 * The burn-up of a target: the cumulative actual by day against the pace line and the
 * target (for the KPIs that add up over the period).
 */
export class TargetBurnup extends Component {
    static template = "sales_objectives.TargetBurnup";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.canvasRef = useRef("canvas");
        this.data = {};
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            if (this.props.record.resId) {
                this.data = await this.orm.call("sales.target", "so_burnup_data", [
                    [this.props.record.resId],
                ]);
            }
        });
        onMounted(() => this.draw());
        onWillUnmount(() => this.chart?.destroy());
    }

    get unitText() {
        const { unit, currency } = this.data;
        return unit === "money" ? currency : "";
    }

    /**
     * A value of the chart in the user's language (its separators, as every figure
     * of the web client): counts as whole numbers; amounts with cents, but on the
     * axis where its steps are whole.
     *
     * @param {number} value
     * @param {boolean} [axis]
     */
    formatValue(value, axis = false) {
        const money = this.data.unit === "money";
        const digits = money && !(axis && Number.isInteger(value)) ? 2 : 0;
        return formatFigure(value, digits);
    }

    draw() {
        if (!this.data.labels || !this.canvasRef.el) {
            return;
        }
        const { labels, actual, pace, target } = this.data;
        const unit = this.unitText;
        this.chart = new Chart(this.canvasRef.el, {
            type: "line",
            data: {
                labels,
                datasets: [
                    {
                        label: _t("Actual (cumulative)"),
                        data: actual,
                        borderColor: "#017e84",
                        backgroundColor: "rgba(1, 126, 132, 0.15)",
                        fill: true,
                        // months kept as totals: a point at each month's end
                        spanGaps: true,
                        pointRadius: 0,
                    },
                    {
                        label: _t("Pace"),
                        data: pace,
                        borderColor: "#9e9e9e",
                        borderDash: [6, 4],
                        pointRadius: 0,
                    },
                    {
                        label: _t("Target"),
                        data: labels.map(() => target),
                        borderColor: "#d44c59",
                        pointRadius: 0,
                    },
                ],
            },
            options: {
                animation: false,
                maintainAspectRatio: false,
                scales: {
                    y: {
                        beginAtZero: true,
                        title: { display: Boolean(unit), text: unit },
                        ticks: {
                            // counts step by whole units
                            precision: this.data.unit === "count" ? 0 : undefined,
                            callback: (value) => this.formatValue(value, true),
                        },
                    },
                },
                plugins: {
                    tooltip: {
                        callbacks: {
                            label: (item) =>
                                `${item.dataset.label}: ${this.formatValue(item.parsed.y)}`,
                        },
                    },
                },
            },
        });
    }
}

registry.category("view_widgets").add("so_target_burnup", { component: TargetBurnup });
