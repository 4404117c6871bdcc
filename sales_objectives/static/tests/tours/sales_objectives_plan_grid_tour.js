import { registry } from "@web/core/registry";

/**
 * The leader of Direct Sales sets his plan's targets in its grid: Anna's January and
 * February, saved together; the totals follow. Then a word, refused as typed, and a
 * negative number, refused by the server: the message says why and what was typed
 * stays (tests/test_plan_grid.py).
 */
const ANNA = ".o_so_plan_grid tr:has(th:contains('Anna Strong'))";
const BEN = ".o_so_plan_grid tr:has(th:contains('Ben Newcomer'))";
const JAN = "td[data-column='2032-01-01']";
const FEB = "td[data-column='2032-02-01']";

registry.category("web_tour.tours").add("sales_objectives_plan_grid_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a[name=grid]",
            run: "click",
        },
        {
            trigger: `${ANNA} ${JAN} input`,
            content: "Anna's January, typed in place",
            run: "edit 1500",
        },
        {
            trigger: `${ANNA} ${FEB} input`,
            run: "edit 1200",
        },
        {
            trigger: `${ANNA} .o_so_plan_grid_row_total:contains('3,700.00')`,
            content: "Anna's total follows what is typed: 1,500 + 1,200 + 1,000",
        },
        {
            trigger: `.o_so_plan_grid tfoot ${JAN}.o_so_plan_grid_column_total:contains('2,500.00')`,
        },
        {
            trigger: ".o_so_plan_grid_reason",
            run: "edit Anna's new accounts",
        },
        {
            trigger: ".o_so_plan_grid_save:enabled",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('2 targets saved')",
        },
        {
            trigger: ".o_so_plan_grid:not(:has(.o_so_plan_grid_pending))",
        },
        {
            trigger: ".o_so_plan_grid .o_so_plan_grid_grand_total:contains('6,700.00')",
            content: "Saved: the quarter's total is 700 more than the team's 6,000",
        },
        // a careless step: a word, then a negative number
        {
            trigger: `${BEN} ${JAN} input`,
            run: "edit abc",
        },
        {
            trigger: `${BEN} ${JAN} input.is-invalid`,
        },
        {
            trigger: ".o_so_plan_grid_errors:contains('is not a number')",
            content: "A word is no number: said under the grid",
        },
        {
            trigger: `${BEN} .o_so_plan_grid_row_total:contains('—')`,
            content: "and the totals over it say no figure until it is one",
        },
        // a number written the Dutch way in English: not read as 15,005
        {
            trigger: `${BEN} ${JAN} input`,
            run: "edit 1500,5",
        },
        {
            trigger: ".o_so_plan_grid_errors:contains('write numbers as 1,234.56')",
            content: "A misplaced thousands separator is said, with the language's way",
        },
        {
            trigger: `${BEN} ${JAN} input.is-invalid`,
        },
        {
            trigger: ".o_so_plan_grid_save:enabled",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Nothing was saved')",
        },
        {
            trigger: `${BEN} ${JAN} input`,
            run: "edit -5",
        },
        {
            trigger: ".o_so_plan_grid:not(:has(.o_so_plan_grid_errors))",
        },
        {
            trigger: ".o_so_plan_grid_save:enabled",
            run: "click",
        },
        {
            trigger: ".modal .o_error_dialog:contains('cannot be negative')",
            content: "The server refuses it, and says why",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: `${BEN} ${JAN} input`,
            content: "What was typed is still there",
            run() {
                const value = this.anchor.value;
                if (value !== "-5") {
                    throw new Error(`Ben's January reads "${value}", not "-5"`);
                }
            },
        },
        {
            trigger: `${BEN} ${JAN} input`,
            run: "edit 700",
        },
        {
            trigger: ".o_so_plan_grid_save:enabled",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('1 target saved')",
        },
        {
            trigger: ".o_so_plan_grid .o_so_plan_grid_grand_total:contains('6,400.00')",
        },
    ],
});
