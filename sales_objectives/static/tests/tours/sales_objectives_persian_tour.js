import { registry } from "@web/core/registry";

/**
 * A target's value typed on a Persian keyboard: «۱۲٬۵۰۰» (Persian digits, the Arabic
 * thousands separator) is saved as 12,500, in Odoo's float field (a count) as in its
 * monetary field (an amount): ../../src/digits/digits.js.
 */
registry.category("web_tour.tours").add("sales_objectives_persian_digits_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=target_value]:visible input",
            content: "A word typed as the target",
            run: "edit abc",
        },
        {
            trigger: ".o_form_view .o_form_sheet",
            content: "leaving the field",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=target_value].o_field_invalid:visible",
            content: "is refused (red), not read as 0",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=target_value]:visible input",
            content: "The target in Persian digits",
            run: "edit ۱۲٬۵۰۰",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            trigger: ".o_form_view:not(:has(.o_field_invalid))",
            content: "accepted, not turned red",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=target_value]:visible input",
            content: "and saved as the number 12,500",
            run() {
                if (!/^12,500(\.00)?$/.test(this.anchor.value)) {
                    throw new Error(`The target reads "${this.anchor.value}"`);
                }
            },
        },
    ],
});

/**
 * Which side of its number the "%" of ``element`` is on screen.
 */
function percentSide(element) {
    const text = element.firstChild;
    const at = (index) => {
        const range = document.createRange();
        range.setStart(text, index);
        range.setEnd(text, index + 1);
        return range.getBoundingClientRect().left;
    };
    const percent = text.data.indexOf("%");
    const digit = text.data.search(/\d/);
    return at(percent) < at(digit) ? "left" : "right";
}

function checkPercent(where) {
    return {
        trigger: `${where} .o_sales_target_progress_value`,
        content: `In the ${where}, the "%" after the number, in the reading order (right to left)`,
        run() {
            const side = percentSide(this.anchor);
            if (side !== "left") {
                throw new Error(`${where}: "${this.anchor.textContent}" has its % on the ${side}`);
            }
        },
    };
}

/**
 * In Persian (right to left), an attainment reads the same in the kanban and the list:
 * «116 %», its "%" after the number in the reading order.
 */
registry.category("web_tour.tours").add("sales_objectives_percent_rtl_tour", {
    steps: () => [
        {
            trigger: "body.o_rtl .o_kanban_view",
            content: "Right to left",
        },
        checkPercent(".o_kanban_record"),
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        checkPercent(".o_list_view .o_data_row"),
    ],
});
