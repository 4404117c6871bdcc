import { registry } from "@web/core/registry";

/**
 * A forecast call: the salesperson submits it (prefilled with the computed figures),
 * then her team leader adjusts it in a layer above it. One tour per user; the test
 * switches users between them (tests/test_forecast_call.py).
 */

/** The salesperson: her call, typed and submitted; no Adjust. */
registry.category("web_tour.tours").add("sales_objectives_forecast_call_submit_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Not submitted')",
            content: "Not called yet this week",
        },
        {
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_adjust]))",
            content: "A salesperson does not adjust her own call",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=commit_value] input",
            run: "edit 41000",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=best_value] input",
            run: "edit 47000",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=note] textarea",
            run: "edit Two renewals close in the last week.",
        },
        {
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
            content: "Submitted this week",
        },
        {
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Call submitted')",
        },
    ],
});

/** The team leader: Adjust opens his layer, prefilled with her call; saved above it. */
registry.category("web_tour.tours").add("sales_objectives_forecast_call_adjust_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_submit]))",
            content: "A leader does not submit his salesperson's call",
        },
        {
            trigger: ".o_form_view button[name=action_adjust]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=commit_value] input:value(41,000.00)",
            content: "Prefilled with her call",
        },
        {
            trigger: ".modal .o_field_widget[name=commit_value] input",
            run: "edit 38000",
        },
        {
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit One renewal slips to next quarter.",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=effective_level]:contains('Team leader')",
            content: "The effective call is the leader's",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=commit_value]:contains('41,000.00')",
            content: "Her call is kept",
        },
    ],
});
