import { _t } from "@web/core/l10n/translation";
import { formatFloat, roundDecimals } from "@web/core/utils/numbers";

/**
 * A figure in the user's language with ``digits`` decimals, rounded half up (ties
 * away from zero) as every figure of the add-on is: Odoo's float_round and the server's
 * labels (tools/numbers.py) round the same way, so that a bar reading "81 %" and a
 * sentence about the same attainment agree. (``toFixed`` alone rounds the binary
 * value: 1.005 would read 1.00.)
 *
 * @param {number} value
 * @param {number} digits
 * @returns {string}
 */
export function formatFigure(value, digits = 0) {
    return formatFloat(roundDecimals(value || 0, digits), { digits: [false, digits] });
}

/**
 * A percentage as the add-on writes it, "116 %" (as the server's labels: "%(value)s
 * %%"), to show in an element that states the language's direction (``dir``): Odoo's
 * list writes its number columns left to right (.o_list_number), a kanban card or a
 * form right to left in Persian, which would read "116 %" in one and "% 116" in the
 * other.
 *
 * @param {number} value
 * @param {number} digits
 * @returns {string}
 */
export function formatPercent(value, digits = 0) {
    return _t("%(value)s %", { value: formatFigure(value, digits) });
}
