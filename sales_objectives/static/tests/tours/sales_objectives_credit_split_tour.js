import { registry } from "@web/core/registry";

/**
 * A salesperson shares the credit of a deal won with a colleague of another team:
 * 60 % for themself, 40 % for the colleague. Typed carelessly first (60 + 30), the
 * split is refused with the total it makes, nothing is lost; corrected, it is saved
 * and said in the chatter.
 */
registry.category("web_tour.tours").add("sales_objectives_credit_split_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Credit split')",
            run: "click",
        },
        {
            trigger: "div[name=so_credit_split_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: "div[name=so_credit_split_ids] .o_selected_row div[name=user_id] input",
            run: "edit Split Tour Rep",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Split Tour Rep')",
            run: "click",
        },
        {
            trigger: "div[name=so_credit_split_ids] .o_selected_row div[name=share] input",
            run: "edit 60",
        },
        {
            trigger: "div[name=so_credit_split_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: "div[name=so_credit_split_ids] .o_data_row:nth-child(2).o_selected_row div[name=user_id] input",
            run: "edit Split Tour Colleague",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Split Tour Colleague')",
            run: "click",
        },
        {
            trigger: "div[name=so_credit_split_ids] .o_data_row:nth-child(2).o_selected_row div[name=team_id] input:value('Split Tour Team B')",
            content: "The colleague's team is credited with their share",
        },
        {
            trigger: "div[name=so_credit_split_ids] .o_data_row:nth-child(2).o_selected_row div[name=share] input",
            run: "edit 30",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".modal:contains('totals 90')",
            content: "60 + 30 is refused, with the total it makes",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "div[name=so_credit_split_ids] .o_data_row:nth-child(2) td[name=share]",
            run: "click",
        },
        {
            trigger: "div[name=so_credit_split_ids] .o_data_row:nth-child(2).o_selected_row div[name=share] input",
            run: "edit 40",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
            content: "Saved",
        },
        {
            trigger: ".o-mail-Message:contains('Credit split changed')",
            content: "The chatter says who is credited with what",
        },
    ],
});
