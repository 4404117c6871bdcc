import { registry } from "@web/core/registry";

/**
 * Screens that show only what the user may do, and say what they mean (issue 24):
 * history kept, choices that follow the objective, figures that exist, labels on
 * every row.
 */

/**
 * A salesperson who sets no target: nothing to do to targets, so no Actions menu on a
 * selection (it offered Archive / Unarchive) and no gear menu on the form (Archive).
 */
registry.category("web_tour.tours").add("sales_objectives_rules_rep_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('SO Rules Rep Target') .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".o_control_panel .o_list_unselect_all",
            content: "A target is selected",
        },
        {
            trigger: ".o_control_panel:not(:has(.o_cp_action_menus button))",
            content: "No Actions menu: no Archive, no Unarchive",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('SO Rules Rep Target') td.o_data_cell[name=kpi_id]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=kpi_id]",
        },
        {
            trigger: ".o_control_panel:not(:has(.o_cp_action_menus button))",
            content: "No gear menu on the form: no Archive",
        },
    ],
});

/**
 * A team leader ("all documents"): another team's targets, opened from its card, offer
 * no New; their own team's do. Their own team's approved target (their own quota)
 * offers no Close mid-period, and no Reset to draft (a sales manager's).
 */
registry.category("web_tour.tours").add("sales_objectives_rules_leader_tour", {
    steps: () => [
        {
            trigger: ".o_kanban_record:contains('SO Rules Other Team') a[name=action_open_sales_targets]:contains('Current targets')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('SO Rules Other Team')",
            content: "Another team's targets",
        },
        {
            trigger: ".o_control_panel:not(:has(.o_list_button_add))",
            content: "No New: the leader does not set another team's targets",
        },
        {
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item:first-child a",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('SO Rules Own Team') a[name=action_open_sales_targets]:contains('Current targets')",
            run: "click",
        },
        {
            trigger: ".o_control_panel .o_list_button_add",
            content: "Their own team's: New",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('SO Rules Own Team') td.o_data_cell[name=kpi_id]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
        {
            trigger: ".o_form_view .o_form_statusbar:has(button[name=action_refresh]):not(:has(button[name=action_close])):not(:has(button[name=action_reset_draft]))",
            content: "Mid-period: no Close (it would be refused); no Reset to draft",
        },
    ],
});

/**
 * A running contest on the sales cycle: the ranking says when it was measured; who won
 * no deal has no figure and no rank (not 0 days, not first); the first one leads, and
 * nobody is a winner before the contest closes.
 */
registry.category("web_tour.tours").add("sales_objectives_rules_contest_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('SO Rules Cycle Contest') td.o_data_cell[name=name]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook:contains('Ranking measured on')",
            content: "The ranking's time is labelled",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('SO Rules Closer'):contains('Leading')",
            content: "The first one leads",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row:last:contains('SO Rules Idle'):contains('No figure')",
            content: "Who won no deal has no figure, ranked last",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('SO Rules Idle') td[name=rank]:empty, .o_field_widget[name=line_ids] .o_data_row:contains('SO Rules Idle') td[name=rank]:not(:has(span))",
            content: "and no rank",
        },
        {
            trigger: ".o_field_widget[name=line_ids]:not(:contains('Winner'))",
            content: "Nobody wins while the contest runs",
        },
    ],
});

/** Types a date in the funnel dialog, then leaves the field (which commits it). */
function setDate(field, value) {
    return [
        {
            trigger: `.o_dialog:not(.o_inactive_modal) .o_field_widget[name=${field}] input`,
            run: `edit ${value}`,
        },
        {
            trigger: ".o_dialog:not(.o_inactive_modal) .modal-header .modal-title:contains('Funnel')",
            run: "click",
        },
    ];
}

/** The dialog that says the period is reversed, closed. */
function closeWarning(content) {
    return [
        {
            trigger: ".o_dialog:not(.o_inactive_modal) .modal-body:contains('swap the dates')",
            content,
        },
        {
            trigger: ".o_dialog:not(.o_inactive_modal):not(:has(button[name=action_compute])) footer .btn-primary",
            run: "click",
        },
    ];
}

/**
 * The funnel: reversed dates are refused, saying so; team rows say "Team"; nothing
 * converts into the first step.
 */
registry.category("web_tour.tours").add("sales_objectives_rules_funnel_tour", {
    steps: () => [
        {
            trigger: ".modal .o_field_widget[name=team_id] input",
            run: "edit SO Rules Funnel Team",
        },
        {
            trigger: ".modal .o_field_widget[name=team_id] .o-autocomplete--dropdown-item a:contains('SO Rules Funnel Team')",
            run: "click",
        },
        // the period from December 31 (it ended on today's date): reversed
        ...setDate("date_from", "12/31/2026"),
        ...closeWarning("Reversed dates are said as typed"),
        ...setDate("date_to", "01/01/2026"),
        ...closeWarning("again"),
        {
            trigger: ".o_dialog:not(.o_inactive_modal) button[name=action_compute]",
            content: "Compute anyway",
            run: "click",
        },
        ...closeWarning("and refused"),
        ...setDate("date_from", "01/01/2020"),
        ...setDate("date_to", "12/31/2030"),
        {
            trigger: ".o_dialog:not(.o_inactive_modal) button[name=action_compute]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row td[name=row_label]:contains('Team')",
            content: "Team rows say Team",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:first td[name=conversion]:empty",
            content: "No conversion into the first step",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:eq(1) td[name=conversion]:contains('66.7')",
            content: "The next step has one: 2 of the 3 opportunities",
        },
    ],
});

/**
 * A sales manager on objectives: one tick per SMART part; Record the outcome chooses
 * nothing in advance; a relationship objective is achieved or missed (in its dialog
 * and when its call is marked done); the Objectives tab has no trash icon; a closed
 * objective is deleted with a reason, posted on the opportunity.
 */
registry.category("web_tour.tours").add("sales_objectives_rules_objective_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Order of 12 chairs signed') td.o_data_cell[name=statement]",
            run: "click",
        },
        {
            trigger: ".o_sales_objective_smart .o_sales_objective_smart_part:eq(4):contains('Time-bound')",
            content: "Five parts",
        },
        {
            trigger: ".o_sales_objective_smart:not(:has(i .o_sales_objective_smart_part)):not(:has(i i)):not(:has(i:contains('Specific')))",
            content: "each once, its label outside the icon (in the form's font), no icon in another",
        },
        {
            trigger: "button[name=action_record_outcome]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=state]:not(:has(input:checked))",
            content: "No outcome chosen in advance",
        },
        {
            trigger: ".modal .o_field_widget[name=state] input[data-value=missed]",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Missed')",
        },
        {
            trigger: ".o_form_view button[name=action_delete_with_reason]",
            content: "A closed objective: deleted with a reason (sales managers)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Entered twice",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains('Objectives deleted'):contains('Entered twice')",
            content: "The reason is on the opportunity",
        },
        {
            trigger: ".o_notebook a:contains('Objectives')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=sales_objective_ids] .o_data_row:contains('Meet the buyer')",
        },
        {
            trigger: ".o_field_widget[name=sales_objective_ids]:not(:has(.o_list_record_remove))",
            content: "No trash icon on the Objectives tab",
        },
        {
            trigger: ".o-mail-Activity:contains('Meet the buyer call') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_outcome_missed",
            content: "A relationship objective: achieved or missed",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_outcome:not(:has(.o_sales_objective_outcome_partly))",
            content: "no Partly",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_outcome_achieved",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']:enabled",
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains('Meet the buyer'):contains('Achieved')",
        },
    ],
});

/**
 * A call marked done without an outcome: done, its objective stays open. Another one
 * achieved, with a double click on Done: saved once, no "Missing Record".
 */
registry.category("web_tour.tours").add("sales_objectives_done_twice_tour", {
    steps: () => [
        {
            trigger: ".o-mail-Activity:contains('First call') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_outcome:contains('the objective stays open')",
            content: "No outcome chosen: said, and Done may be pressed",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']:enabled",
            run: "click",
        },
        {
            trigger: ".o-mail-Chatter:not(:has(.o-mail-Activity:contains('First call')))",
            content: "The first call is done",
        },
        {
            trigger: ".o-mail-Activity:contains('Second call') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_sales_objective_outcome_achieved",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']:enabled",
            content: "A double click on Done",
            run() {
                this.anchor.click();
                this.anchor.click();
            },
        },
        {
            trigger: ".o-mail-Message:contains('Meet the director'):contains('Achieved')",
        },
        {
            trigger: ".o-mail-Chatter:not(:has(.o-mail-Activity))",
            content: "Both calls are done, no error",
        },
    ],
});
