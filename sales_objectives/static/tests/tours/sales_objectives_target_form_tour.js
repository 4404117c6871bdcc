import { registry } from "@web/core/registry";

/**
 * The dates of a target's period as a sales manager types them: the form shows, at
 * every step and once saved, the period that will be saved (a day typed in a quarter
 * shows the quarter's first day, even when it is the one shown before).
 */
registry.category("web_tour.tours").add("sales_objectives_period_form_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=date_from] input:value(10/01/2030)",
            content: "A draft target of Q4 2030",
        },
        {
            trigger: ".o_field_widget[name=date_from] input",
            run: "edit 11/20/2030 && press Enter",
        },
        {
            trigger: ".o_field_widget[name=date_from] input:value(10/01/2030)",
            content: "20 Nov is in Q4: the quarter still starts on 1 Oct, as shown",
        },
        {
            trigger: ".o_field_widget[name=date_to]:contains(12/31/2030)",
        },
        {
            trigger: ".o_sales_target_period:contains(Q4 2030)",
        },
        {
            trigger: ".o_field_widget[name=period_type] select",
            run: 'select "month"',
        },
        {
            trigger: ".o_field_widget[name=date_to]:contains(10/31/2030)",
            content: "A month from the start shown: October",
        },
        {
            trigger: ".o_field_widget[name=date_from] input:value(10/01/2030)",
        },
        {
            trigger: ".o_sales_target_period:contains(Oct 2030)",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            trigger: ".o_field_widget[name=date_from] input:value(10/01/2030)",
            content: "Saved as shown",
        },
        {
            trigger: ".o_field_widget[name=date_to]:contains(10/31/2030)",
        },
        // a new quarter, typed from a day in it
        {
            trigger: ".o_form_button_create",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=kpi_id] input",
            run: "edit SO Form Tour Deals",
        },
        {
            trigger: ".o_field_widget[name=kpi_id] .o-autocomplete--dropdown-item a:contains('SO Form Tour Deals')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=owner_type] input[data-value=team]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=team_id] input",
            run: "edit SO Form Tour Team",
        },
        {
            trigger: ".o_field_widget[name=team_id] .o-autocomplete--dropdown-item a:contains('SO Form Tour Team')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=period_type] select",
            run: 'select "quarter"',
        },
        {
            trigger: ".o_field_widget[name=date_from] input",
            run: "edit 10/05/2030 && press Enter",
        },
        {
            trigger: ".o_field_widget[name=date_from] input:value(10/01/2030)",
        },
        {
            trigger: ".o_field_widget[name=date_from] input",
            run: "edit 11/15/2030 && press Enter",
        },
        {
            trigger: ".o_field_widget[name=date_from] input:value(10/01/2030)",
            content: "15 Nov is in Q4: the form shows the quarter's first day",
        },
        {
            trigger: ".o_field_widget[name=date_to]:contains(12/31/2030)",
        },
        {
            trigger: ".o_field_widget[name=target_value]:visible input",
            run: "edit 5",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            trigger: ".o_field_widget[name=date_from] input:value(10/01/2030)",
            content: "Saved as shown, and shown as saved",
        },
        {
            trigger: ".o_sales_target_period:contains(Q4 2030)",
        },
    ],
});

/**
 * Where the text of a field's number starts and ends on screen (an input's text, as
 * aligned in its box, or a read-only value).
 */
function numberBox(field) {
    const input = field.querySelector("input");
    if (!input) {
        const range = document.createRange();
        range.selectNodeContents(field);
        return range.getBoundingClientRect();
    }
    const style = getComputedStyle(input);
    const context = document.createElement("canvas").getContext("2d");
    context.font = style.font;
    const width = context.measureText(input.value).width;
    const box = input.getBoundingClientRect();
    const rtl = style.direction === "rtl";
    const atRight =
        style.textAlign === "right" ||
        (style.textAlign === "end" && !rtl) ||
        (style.textAlign === "start" && rtl);
    const left = atRight
        ? box.right - parseFloat(style.paddingRight) - width
        : box.left + parseFloat(style.paddingLeft);
    return { left, right: left + width };
}

/**
 * A unit sits right after its number (in the reading direction), not at the far end
 * of the row.
 */
function unitRightAfter(fieldName) {
    return {
        trigger: `.o_form_view .o_field_widget[name=${fieldName}]`,
        content: `The unit of ${fieldName} follows its number`,
        run() {
            const field = this.anchor;
            const unit = field.nextElementSibling;
            if (!unit) {
                throw new Error(`${fieldName} has no unit beside it`);
            }
            const number = numberBox(field);
            const box = unit.getBoundingClientRect();
            const gap =
                getComputedStyle(field).direction === "rtl"
                    ? number.left - box.right
                    : box.left - number.right;
            if (gap < 0 || gap > 40) {
                throw new Error(`The unit of ${fieldName} is ${Math.round(gap)}px from its number`);
            }
        },
    };
}

/**
 * A sales manager reads the targets' figures: labels under their headers, "no figure"
 * where nothing could be measured (no bar, no status, no sample records), no stretch
 * target or coverage where there is none.
 */
registry.category("web_tour.tours").add("sales_objectives_target_figures_tour", {
    steps: () => [
        {
            trigger:
                ".o_data_row:contains('SO Fig Revenue'):contains('SO Fig Team') td[name=expected_label]:contains($)",
        },
        {
            trigger:
                ".o_data_row:contains('SO Fig Revenue'):contains('SO Fig Team') td[name=expected_label]:not(:contains(expected))",
            content: "Under the header Expected to date: the amount, not 'expected $ …'",
        },
        {
            trigger: ".o_data_row:contains('SO Fig Win rate') .o_sales_target_no_figure",
            content: "Nothing measured: no figure",
        },
        {
            trigger: ".o_data_row:contains('SO Fig Win rate'):not(:has(.o_sales_target_progress))",
            content: "and no bar at 0 %",
        },
        {
            trigger: ".o_data_row:contains('SO Fig Win rate') td[name=kpi_id]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=actual_label]:contains(no figure)",
        },
        {
            trigger: ".o_form_view:not(:has(.o_field_widget[name=status] .badge)):not(:has(.o_sales_target_progress))",
            content: "No status, no bar",
        },
        {
            trigger: ".o_notebook a.nav-link[name=pace]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=elapsed_label]:contains(' %')",
        },
        {
            trigger:
                ".o_form_view:not(:has(.o_field_widget[name=history_win_rate])):not(:has(.o_field_widget[name=pipeline_value]))",
            content: "A win rate has no pipeline and no 12-month history measured: none shown as 0",
        },
        {
            trigger: "button[name=action_open_records]",
            run: "click",
        },
        {
            trigger: ".o_view_nocontent:contains(No record is counted)",
            content: "Nothing counted: said plainly",
        },
        {
            trigger: ".o_action_manager:not(:has(.o_view_sample_data))",
            content: "not with Odoo's faded sample records",
        },
        {
            trigger: ".o_breadcrumb li:first-child a",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains('SO Fig Revenue'):contains('SO Fig Team') td[name=kpi_id]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=gap_label]:contains(exceeded by)",
        },
        {
            trigger: ".o_form_view:not(:has(.o_field_widget[name=stretch_value]))",
            content: "No stretch target was set: none shown",
        },
        {
            trigger: ".o_notebook a.nav-link[name=pace]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=elapsed_label]:contains(' %')",
        },
        {
            trigger:
                ".o_form_view:not(:has(.o_field_widget[name=coverage_ratio])):not(:has(.o_field_widget[name=coverage_label]))",
            content: "Nothing is missing: no coverage to give",
        },
    ],
});

/**
 * On a team target, the salesperson targets' status and state badges are coloured as
 * in every other list.
 */
registry.category("web_tour.tours").add("sales_objectives_target_children_tour", {
    steps: () => [
        {
            trigger: ".o_notebook a.nav-link[name=children]",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=child_ids] .o_data_row:contains('SO Fig Rep') .o_field_widget[name=status] .badge.text-bg-success",
            content: "The salesperson's status coloured as everywhere",
        },
        {
            trigger:
                ".o_field_widget[name=child_ids] .o_data_row:contains('SO Fig Rep') .o_field_widget[name=state] .badge.text-bg-success",
            content: "and their state too",
        },
    ],
});

/**
 * The units of a salesperson's target follow their numbers: the target of a rate (%),
 * the bonus floor (%) and accelerator (× above 100 %).
 */
registry.category("web_tour.tours").add("sales_objectives_target_units_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=target_value]",
        },
        unitRightAfter("target_value"),
        {
            trigger: ".o_notebook a.nav-link[name=bonus]",
            run: "click",
        },
        unitRightAfter("bonus_floor"),
        unitRightAfter("bonus_accelerator"),
    ],
});

/**
 * And in a plan: the new salesperson's share (%).
 */
registry.category("web_tour.tours").add("sales_objectives_plan_units_tour", {
    steps: () => [unitRightAfter("new_member_share")],
});

/**
 * A Dutch salesperson reads the burn-up of their target: the y-axis in Dutch (12.000,
 * not 12,000).
 */
registry.category("web_tour.tours").add("sales_objectives_burnup_axis_tour", {
    steps: () => [
        {
            trigger: ".o_notebook a.nav-link[name=burnup]",
            run: "click",
        },
        {
            trigger: ".o_sales_target_burnup canvas",
            content: "The y-axis is written in the user's language",
            run() {
                const chart = window.Chart.getChart(this.anchor);
                const labels = chart.scales.y.ticks.map((tick) => tick.label);
                if (!labels.some((label) => /^\d{1,3}(\.\d{3})+$/.test(label))) {
                    throw new Error(`No Dutch thousands on the y-axis: ${labels.join(" ")}`);
                }
                if (labels.some((label) => label.includes(","))) {
                    throw new Error(`English separators on the y-axis: ${labels.join(" ")}`);
                }
            },
        },
    ],
});

/**
 * The burn-up of a month drawn day by day says nothing under the chart (the sentence
 * for KPIs without a chart, and the one for months kept as totals, are not for it).
 */
registry.category("web_tour.tours").add("sales_objectives_burnup_note_tour", {
    steps: () => [
        {
            trigger: ".o_notebook a.nav-link[name=burnup]",
            run: "click",
        },
        {
            trigger: ".o_sales_target_burnup canvas",
        },
        {
            trigger: ".o_sales_target_burnup:not(:has(.text-muted))",
            content: "Every day is drawn: no sentence under the chart",
        },
    ],
});

/**
 * A salesperson opens their own draft target, which only their team leader or a
 * manager may change: nothing to type in (no field that a save would refuse).
 */
registry.category("web_tour.tours").add("sales_objectives_target_readonly_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=target_value]",
        },
        ...["kpi_id", "period_type", "date_from", "target_value", "direction"].map(
            (name) => ({
                trigger: `.o_form_view .o_field_widget[name=${name}]`,
                content: `${name} is read only for the salesperson`,
                run() {
                    if (this.anchor.querySelector("input, select, textarea, [contenteditable=true]")) {
                        throw new Error(`The salesperson may type in ${name}`);
                    }
                },
            })
        ),
    ],
});

/**
 * The targets analysis graph: attainments side by side, never stacked nor totalled on
 * the screen (no "Stacked" nor "Cumulative" button, in bar and in line).
 */
registry.category("web_tour.tours").add("sales_objectives_figure_graph_tour", {
    url: "/odoo/action-sales_objectives.sales_target_action_analysis",
    steps: () => [
        {
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            trigger: ".o_graph_button[data-mode=bar].active",
        },
        {
            trigger: ".o_graph_renderer canvas",
            content: "Two salespeople's attainments: two bars, neither stacked nor totalled",
            run() {
                const charts = Object.values(window.Chart.instances);
                if (charts.length !== 1) {
                    throw new Error(`${charts.length} charts on the screen`);
                }
                const datasets = charts[0].config.data.datasets;
                if (datasets.length < 2) {
                    throw new Error("Expected one bar per salesperson");
                }
                if (datasets.some((dataset) => dataset.stack !== undefined)) {
                    throw new Error("The attainments are stacked");
                }
                if (datasets.some((dataset) => dataset.type === "line")) {
                    throw new Error("A total line is drawn over the attainments");
                }
            },
        },
        {
            trigger: ".o_control_panel:not(:has(.o_graph_button[aria-label=Stacked]))",
            content: "No Stacked button in bar mode",
        },
        {
            trigger: ".o_graph_button[data-mode=line]",
            run: "click",
        },
        {
            trigger: ".o_graph_button[data-mode=line].active",
        },
        {
            trigger:
                ".o_control_panel:not(:has(.o_graph_button[aria-label=Stacked])):not(:has(.o_graph_button[aria-label=Cumulative]))",
            content: "Neither Stacked nor Cumulative in line mode",
        },
    ],
});

/**
 * A value with digits too many, typed by a sales manager on a new target: the form
 * questions it under the title as it is typed and after saving, not in a notification
 * that fades; a value close to the salesperson's record is not questioned.
 */
registry.category("web_tour.tours").add("sales_objectives_value_warning_tour", {
    steps: () => [
        {
            trigger: ".o_field_widget[name=kpi_id] input",
            run: "edit SO Fig Revenue",
        },
        {
            trigger: ".o_field_widget[name=kpi_id] .o-autocomplete--dropdown-item a:contains('SO Fig Revenue')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=user_id] input",
            run: "edit SO Fig Rep",
        },
        {
            trigger: ".o_field_widget[name=user_id] .o-autocomplete--dropdown-item a:contains('SO Fig Rep')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=team_id] input:value(SO Fig Team)",
            content: "The salesperson's team is filled in",
        },
        {
            trigger: ".o_form_view:not(:has(.o_sales_target_value_warning:visible))",
        },
        {
            trigger: ".o_field_widget[name=target_value] input",
            run: "edit 50000000 && press Tab",
        },
        {
            trigger: ".o_sales_target_value_warning:visible:contains(is far from the record of SO Fig Rep)",
            content: "Questioned as typed",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            trigger: ".o_sales_target_value_warning:visible:contains(is far from the record of SO Fig Rep)",
            content: "Still questioned once saved: a warning, not a refusal",
        },
        {
            trigger: ".o_field_widget[name=target_value] input",
            run: "edit 300 && press Tab",
        },
        {
            trigger: ".o_form_view:not(:has(.o_sales_target_value_warning:visible))",
            content: "Close to the record: nothing said",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
