/**
 * The graph of figures that do not all add up (targets, forecast): Odoo's graph, but
 * never stacked nor cumulated on the screen, since the client would add up there what
 * the server leaves apart (attainments, rates, averages, different KPIs' units); and
 * each bar's label is written in full, one part per line ("Won revenue (USD)", "Q4
 * 2026", "Direct Sales"), instead of being cut after 30 characters; the measure is
 * named beside its axis.
 */
import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphModel } from "@web/views/graph/graph_model";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

const PART = " · ";

export class FigureGraphModel extends GraphModel {
    _buildMetaData(params) {
        const metaData = super._buildMetaData(params);
        metaData.stacked = false;
        metaData.cumulated = false;
        return metaData;
    }
}

export class FigureGraphRenderer extends GraphRenderer {
    getScaleOptions() {
        const scales = super.getScaleOptions();
        const { labels } = this.model.data;
        if (scales.x?.ticks) {
            scales.x.ticks.callback = (value, index) => {
                const label = String(labels[index] ?? "");
                return label.includes(PART) ? label.split(PART) : label;
            };
        }
        if (scales.y?.title) {
            // the measure, with its unit ("Attainment (%)"), beside the axis
            scales.y.title.display = true;
        }
        return scales;
    }
}

export const figureGraphView = {
    ...graphView,
    Model: FigureGraphModel,
    Renderer: FigureGraphRenderer,
    buttonTemplate: "sales_objectives.FigureGraph.Buttons",
};

registry.category("views").add("so_figure_graph", figureGraphView);
