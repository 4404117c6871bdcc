import { registry } from "@web/core/registry";

/**
 * A salesperson ("own documents only"): the pipeline card says which opportunity's next
 * call states no objective; a sales objective without its product is refused in the
 * Schedule Activity dialog, whose buttons all stay; once scheduled, the opportunity's
 * objectives show without a reload; marking the call done asks the outcome, with the
 * result labelled in its unit; My Targets shows coloured progress and no New button.
 */
registry.category("web_tour.tours").add("sales_objectives_rep_tour", {
    url: "/odoo/crm",
    steps: () => [
        {
            trigger: ".o_sales_target_strip .o_sales_target_strip_item:contains('SO Rep Tour Target'):contains('0 / 4')",
            content: "The progress strip above the pipeline shows the rep's target of the month",
        },
        {
            trigger: ".o_kanban_record:contains('SO Rep Tour Deal') .o_sales_objective_missing:contains('No objective')",
            content: "The card says the next call states no objective",
        },
        {
            trigger: ".o_kanban_record:contains('SO Rep Tour Deal')",
            run: "click",
        },
        {
            trigger: ".o_form_view button.o-mail-Chatter-activity",
            content: "Schedule an activity",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=activity_type_id] input",
            run: "edit Call",
        },
        {
            trigger: ".modal .o_field_widget[name=activity_type_id] .o-autocomplete--dropdown-item a:contains('Call')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=summary] input",
            run: "edit Pricing call",
        },
        {
            trigger: ".modal .o_field_widget[name=so_objective_type] input[data-value=sales]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=so_statement] input",
            run: "edit Order of 20 licences signed",
        },
        {
            trigger: ".modal .o_field_widget[name=so_target_value] input",
            run: "edit 4000",
        },
        {
            trigger: ".modal .o_field_widget[name=so_statement] input",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_schedule_activities]",
            content: "Schedule without a product",
            run: "click",
        },
        {
            trigger: ".o_error_dialog:contains('name the product or service')",
            content: "The dialog says what is missing",
        },
        {
            trigger: ".o_error_dialog .btn-primary",
            run: "click",
        },
        {
            trigger: ".modal:not(.o_error_dialog) button[name=action_schedule_activities]",
            content: "Schedule is still offered, and what was typed is kept",
        },
        {
            trigger: ".modal .o_field_widget[name=so_statement] input:value(Order of 20 licences signed)",
        },
        {
            trigger: ".modal .o_field_widget[name=so_product_id] input",
            run: "edit SO Rep Tour Licence",
        },
        {
            trigger: ".modal .o_field_widget[name=so_product_id] .o-autocomplete--dropdown-item a:contains('SO Rep Tour Licence')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=so_smart_message]:contains('Specific, measurable')",
        },
        {
            trigger: ".modal button[name=action_schedule_activities]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_form_view button[name=action_view_sales_objectives] .o_stat_value:contains('1 / 0')",
            content: "The objective shows without a reload",
        },
        {
            trigger: ".o-mail-Activity:contains('Pricing call') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_outcome_partly",
            content: "Partly achieved",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_outcome_partly.btn-primary",
            content: "The outcome is chosen",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone label:contains('Result (amount')",
            content: "The result is labelled with its unit",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_result",
            run: "edit 1500",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']:enabled",
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains('Order of 20 licences signed'):contains('Partly achieved')",
            content: "The outcome is in the chatter",
        },
        {
            trigger: ".o_notebook a:contains('Objectives')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=sales_objective_ids] .o_data_row:contains('Order of 20 licences signed') td[name=target_label]:contains('$'):contains('4,000.00')",
            content: "The objective's amounts are written with their currency, as in the chatter",
        },
        {
            trigger: ".o_field_widget[name=sales_objective_ids] .o_data_row:contains('Order of 20 licences signed') td[name=result_label]:contains('$'):contains('1,500.00')",
        },
        {
            trigger: ".o_menu_sections .dropdown-toggle:contains('Targets')",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains('My Targets')",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('SO Rep Tour Target') .o_sales_target_progress[data-status]",
            content: "My target, with its progress",
        },
        {
            trigger: ".o_control_panel:not(:has(.o-kanban-button-new))",
            content: "A salesperson sets no target: no New button",
        },
    ],
});

/**
 * A team leader: opens the team's target (his own quota, set and approved by a sales
 * manager: nothing to submit or approve on it), splits it over the team's salespeople
 * (2 deals over 3 people: 1, 1, 0, submitted at once for approval), and finds the
 * salespeople's targets and their sum on the team target.
 */
registry.category("web_tour.tours").add("sales_objectives_leader_tour", {
    url: "/odoo/action-sales_objectives.sales_target_action_team",
    steps: () => [
        {
            trigger: ".o_kanban_record:contains('SO Leader Tour Deals')",
            run: "click",
        },
        {
            trigger: ".oe_title .o_sales_target_period + span:contains('·') + .o_sales_target_owner:contains('SO Leader Tour Team')",
            content: "The subtitle reads period · owner, as the kanban card",
        },
        {
            trigger: ".o_form_view .alert:contains('your own quota')",
            content: "The team's target is its leader's quota",
        },
        {
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_confirm])):not(:has(button[name=action_submit])):not(:has(button[name=action_reset_draft]))",
            content: "nothing to submit, approve or reset on it",
        },
        {
            trigger: "button[name=action_split]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=confirm_parts] input:checked",
            content: "The parts are submitted at once",
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_notebook a:contains('Salesperson targets')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=child_ids] .o_data_row:contains('SO Leader Tour Rep A'):contains('Submitted')",
            content: "The parts are the salespeople's targets, submitted for approval",
        },
        {
            trigger: ".o_field_widget[name=children_target_sum]:visible:contains('2'):not(:contains('2.0'))",
            content: "and they add up to the team target",
        },
    ],
});
