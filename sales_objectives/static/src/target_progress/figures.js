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
