import { registry } from "@web/core/registry";

/**
 * Quotas that are approved: a team leader submits a salesperson's target, a sales
 * manager sends it back with a reason (required), another approves it. One tour per
 * user; the test switches users between them (tests/test_approval.py).
 */

/** The team leader: Submit, no Approve. */
registry.category("web_tour.tours").add("sales_objectives_approval_submit_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
        {
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_confirm]))",
            content: "A team leader is offered no Approve",
        },
        {
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
            content: "Submitted: waiting for a sales manager",
        },
        {
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_submit]))",
        },
    ],
});

/** A sales manager: Send back asks for a reason, and the target is a draft again. */
registry.category("web_tour.tours").add("sales_objectives_approval_send_back_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
        },
        {
            trigger: ".o_form_view button[name=action_send_back]",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_send_back]",
            content: "Sent back without a reason",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason].o_field_invalid",
            content: "The reason is required",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Aim for 45: last year the team won 41.",
        },
        {
            trigger: ".modal button[name=action_send_back]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Draft')",
            content: "Back to draft",
        },
        {
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Aim for 45')",
            content: "The reason is in the chatter",
        },
    ],
});

/** Another sales manager approves it. */
registry.category("web_tour.tours").add("sales_objectives_approval_approve_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
        },
        {
            trigger: ".o_form_view button[name=action_confirm]:contains('Approve')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Approved')",
            content: "Approved: it counts from now on",
        },
        {
            trigger: ".o_form_view .o_form_statusbar:has(button[name=action_reset_draft]):not(:has(button[name=action_send_back]))",
        },
    ],
});
