import { registry } from "@web/core/registry";

/**
 * A sales manager plans a team's year (one KPI line, the team's salespeople filled in
 * from the team), generates the targets (drafts), approves the plan (a team he does
 * not lead: his to approve), then opens the forecast and the leaderboard.
 */
registry.category("web_tour.tours").add("sales_objectives_manager_tour", {
    url: "/odoo/action-sales_objectives.sales_target_plan_action",
    steps: () => [
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=team_id] input",
            run: "edit SO Manager Tour Team",
        },
        {
            trigger: ".o_field_widget[name=team_id] .o-autocomplete--dropdown-item a:contains('SO Manager Tour Team')",
            run: "click",
        },
        {
            trigger: ".o_notebook a:contains('Salespeople')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=member_ids] .o_data_row:contains('SO Manager Tour Rep B')",
            content: "The team's salespeople are in the plan",
        },
        {
            trigger: ".o_notebook a:contains('KPIs')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row .o_field_widget[name=kpi_id] input",
            run: "edit SO Manager Tour Revenue",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('SO Manager Tour Revenue')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row .o_field_widget[name=unit_label]:contains('USD')",
            content: "The KPI's unit is known: its total is an amount",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row .o_field_widget[name=total_value] input",
            run: "edit 120000",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row.o_selected_row .o_field_widget[name=kpi_id] input",
            run: "edit SO Manager Tour Deals",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('SO Manager Tour Deals')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row.o_selected_row .o_field_widget[name=unit_label]:contains('Count')",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row.o_selected_row .o_field_widget[name=total_value] input",
            run: "edit 48",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('SO Manager Tour Revenue') .o_field_widget[name=total_value]:contains('$'):contains('120,000.00')",
            content: "An amount is written with its currency",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('SO Manager Tour Deals') .o_field_widget[name=total_value]:contains('48'):not(:contains('48.0'))",
            content: "a count as a whole number",
        },
        {
            trigger: "button[name=action_generate]",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('created as drafts')",
            content: "The targets are generated",
        },
        {
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Approved')",
            content: "The plan and its targets are approved",
        },
        {
            trigger: ".o_menu_sections .dropdown-toggle:contains('Reporting')",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains('Targets')",
            run: "click",
        },
        {
            trigger: ".o_pivot .o_pivot_header_cell_opened:contains('SO Manager Tour Deals (count)')",
            content: "The analysis heads each KPI with its unit",
        },
        {
            trigger: ".o_pivot table:contains('5,000'):not(:contains('.00'))",
            content: "and writes each figure with the decimals it needs: 2 deals, 5,000 USD",
        },
        {
            trigger: ".o_menu_sections .dropdown-toggle:contains('Targets')",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains('Forecast')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_group_header:contains('SO Manager Tour Revenue')",
            content: "The forecast lists the plan's targets",
        },
        {
            trigger: ".o_menu_sections .dropdown-toggle:contains('Targets')",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains('Leaderboard')",
            run: "click",
        },
        {
            trigger: ".o_kanban_view .o_kanban_group .o_column_title:contains('SO Manager Tour Revenue'):contains('SO Manager Tour Team')",
            content: "The leaderboard ranks this month's salespeople of every team, a column per ranking",
        },
    ],
});
