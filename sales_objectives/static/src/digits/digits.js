import { localization } from "@web/core/l10n/localization";
import { patch } from "@web/core/utils/patch";
import { useInputField } from "@web/views/fields/input_field_hook";
import { FloatField } from "@web/views/fields/float/float_field";
import { IntegerField } from "@web/views/fields/integer/integer_field";
import { MonetaryField } from "@web/views/fields/monetary/monetary_field";
import { useNumpadDecimal } from "@web/views/fields/numpad_decimal_hook";
import { parseFloat, parseInteger } from "@web/views/fields/parsers";

import { useState } from "@odoo/owl";

/**
 * Numbers typed with Persian or Arabic-Indic digits.
 *
 * A Persian keyboard types ۰۱۲…۹ (U+06F0–U+06F9), an Arabic one ٠١٢…٩ (U+0660–U+0669),
 * and the Arabic decimal and thousands separators ٫ (U+066B) and ٬ (U+066C). Odoo's
 * number parsers (@web/views/fields/parsers) read ASCII digits only, so its float,
 * integer and monetary fields turn red on «۱۲». Here the typed text is first written
 * with ASCII digits and the separators of the user's language, then read by Odoo's own
 * parser, which still applies the language's separators, "=" formulas and everything
 * else: «۱۲٫۵» is 12.5, «۱۰٬۰۰۰» is 10000; what Odoo refuses stays refused.
 */
const ZERO_PERSIAN = 0x06f0;
const ZERO_ARABIC = 0x0660;
const FOREIGN = /[\u06f0-\u06f9\u0660-\u0669\u066b\u066c]/g;

/**
 * ``text`` with Persian and Arabic-Indic digits written as ASCII digits, and the
 * Arabic decimal and thousands separators as the user's language's.
 *
 * @param {string} text
 * @returns {string}
 */
export function asciiDigits(text) {
    if (typeof text !== "string") {
        return text;
    }
    return text.replace(FOREIGN, (char) => {
        const code = char.charCodeAt(0);
        if (code === 0x066b) {
            return localization.decimalPoint;
        }
        if (code === 0x066c) {
            return localization.thousandsSep || "";
        }
        return String(code - (code >= ZERO_PERSIAN ? ZERO_PERSIAN : ZERO_ARABIC));
    });
}

/**
 * A number as typed in one of Odoo's float fields: in any of these digits, with the
 * language's separators (Odoo's ``parseFloat``). Throws when it is not one.
 *
 * @param {string} text
 * @returns {number}
 */
export function parseTypedFloat(text) {
    const ascii = asciiDigits(text);
    if (!wellGrouped(ascii)) {
        throw new Error(`"${text}" groups its digits wrongly`);
    }
    const value = parseFloat(ascii);
    if (!Number.isFinite(value)) {
        throw new Error(`"${text}" is not a number`);
    }
    return value;
}

function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Whether the thousands separators of the user's language in ``text`` (ASCII digits)
 * group the whole part of the number by three ("1,500" or "12,345.5" in English,
 * "1.500" or "1.500,5" in Dutch). Odoo's parser drops them wherever they stand, so a
 * number typed the other language's way ("1500,5" in English) would be read as
 * 15005: it is refused instead. A separator the language does not group with is
 * Odoo's parser's to judge.
 *
 * @param {string} text
 * @returns {boolean}
 */
export function wellGrouped(text) {
    const thousands = localization.thousandsSep;
    if (typeof text !== "string" || !thousands || !text.includes(thousands)) {
        return true;
    }
    const whole = text.trim().split(localization.decimalPoint)[0];
    const sep = escapeRegExp(thousands);
    return new RegExp(`^[-+]?\\d{1,3}(${sep}\\d{3})+$`).test(whole);
}

/**
 * 1234.56 written as the user's language writes it ("1,234.56", "1.234,56").
 *
 * @returns {string}
 */
export function numberExample() {
    return `1${localization.thousandsSep || ""}234${localization.decimalPoint}56`;
}

patch(FloatField.prototype, {
    parse(value) {
        return super.parse(asciiDigits(value));
    },
});

/**
 * Odoo's monetary parser drops what is not a digit around the number (the currency's
 * symbol), so a word typed in an amount («abc») is read as 0. Like Odoo's float fields,
 * a monetary field refuses text without any digit (it turns red, nothing is set).
 *
 * @param {string} value
 * @param {Function} parse Odoo's parser of the field
 * @returns {number}
 */
export function parseTypedMonetary(value, parse) {
    const text = asciiDigits(value);
    if (typeof text === "string" && /\S/.test(text) && !/[0-9]/.test(text)) {
        throw new Error(`"${value}" is not a number`);
    }
    return parse(text);
}

patch(MonetaryField.prototype, {
    get inputOptions() {
        const options = super.inputOptions;
        return { ...options, parse: (value) => parseTypedMonetary(value, options.parse) };
    },
});

patch(IntegerField.prototype, {
    /** Odoo's setup, whose parser is given inline, with the digits read first. */
    setup() {
        this.state = useState({ hasFocus: false });
        useInputField({
            getValue: () => this.formattedValue,
            refName: "numpadDecimal",
            parse: (value) => parseInteger(asciiDigits(value)),
        });
        useNumpadDecimal();
    },
});
