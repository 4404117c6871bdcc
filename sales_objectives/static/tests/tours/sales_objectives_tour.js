import { registry } from "@web/core/registry";

/**
 * A salesperson opens an opportunity, schedules a call with a SMART sales objective
 * in the usual "schedule activity" dialog, marks the call done with its outcome, and
 * finds the outcome on the opportunity (chatter and Objectives tab).
 */
registry.category("web_tour.tours").add("sales_objectives_call_objective_tour", {
    url: "/odoo/crm",
    steps: () => [
        {
            trigger: ".o_kanban_record:contains('SO Tour Opportunity')",
            content: "Open the opportunity",
            run: "click",
        },
        {
            trigger: ".o_form_view button.o-mail-Chatter-activity",
            content: "Schedule an activity",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=activity_type_id] input",
            content: "A call",
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
            content: "It is a sales call: it aims at an order",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=so_statement] input",
            content: "What the call should win",
            run: "edit Order of 20 licences signed",
        },
        {
            trigger: ".modal .o_field_widget[name=so_product_id] input",
            content: "The product",
            run: "edit SO Tour Licence",
        },
        {
            trigger: ".modal .o_field_widget[name=so_product_id] .o-autocomplete--dropdown-item a:contains('SO Tour Licence')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=so_target_value] input",
            content: "The value to reach",
            run: "edit 4000",
        },
        {
            trigger: ".modal .o_field_widget[name=so_statement] input",
            content: "Leave the value field",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=so_smart_message]:contains('Specific, measurable')",
            content: "The SMART check is satisfied",
        },
        {
            trigger: ".modal button[name=action_schedule_activities]",
            content: "Schedule",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o-mail-Activity:contains('Pricing call') .o-mail-Activity-markDone",
            content: "Mark the call done",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_outcome:contains('Order of 20 licences signed')",
            content: "The outcome of the objective is asked",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_outcome_achieved",
            content: "Achieved",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_result:value(4,000)",
            content: "The result starts at the target, written as a figure",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_result",
            content: "A result that is no number",
            run: "edit ۴۵oo",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']:enabled",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_result.is-invalid",
            content: "is refused on the spot: the field in red",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_result_invalid:contains('is not a number')",
            content: "and why; the popover stays open, nothing is recorded",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_result",
            content: "The result in Persian digits, with the Arabic thousands separator",
            run: "edit ۴٬۵۰۰",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone:not(:has(.o_sales_objective_result_invalid))",
            content: "Typing again clears the refusal",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit They signed for 22 licences.",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']:enabled",
            content: "Done",
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains('Order of 20 licences signed'):contains('Achieved')",
            content: "The outcome is in the chatter",
        },
        {
            trigger: ".o_notebook a:contains('Objectives')",
            content: "The Objectives tab",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=sales_objective_ids] .o_data_row:contains('Order of 20 licences signed'):contains('Achieved')",
            content: "The objective is achieved",
        },
    ],
});
