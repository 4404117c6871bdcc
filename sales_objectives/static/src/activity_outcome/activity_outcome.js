import { Chatter } from "@mail/chatter/web_portal/chatter";
import { ActivityMarkAsDone } from "@mail/core/web/activity_markasdone_popover";
import { Activity } from "@mail/core/web/activity_model";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

import { parseTypedFloat } from "../digits/digits";
import { formatFigure } from "../target_progress/figures";

/**
 * Marking done an activity that pursues an open sales objective asks for its outcome
 * (achieved / partly / missed, and the result), which the server records on the
 * objective and posts on the opportunity. "Done & Schedule Next" works as usual. Done
 * without an outcome leaves the objective open (its outcome is recorded later, from the
 * objective). A second click while the first is being saved does nothing.
 *
 * The result is read as Odoo's number fields read theirs (the language's separators,
 * Persian and Arabic-Indic digits: ../digits/digits.js); a text that is no number is
 * refused on the spot (the field in red, and why), and nothing is recorded.
 */
patch(ActivityMarkAsDone.prototype, {
    get soHasOpenObjective() {
        const activity = this.props.activity;
        return Boolean(activity.sales_objective_id) && ["draft", "open"].includes(activity.so_state);
    },
    get soOutcomes() {
        // a relationship objective has a yes/no outcome
        if (this.props.activity.so_objective_type === "relationship") {
            return [
                ["achieved", _t("Achieved")],
                ["missed", _t("Missed")],
            ];
        }
        return [
            ["achieved", _t("Achieved")],
            ["partly", _t("Partly achieved")],
            ["missed", _t("Missed")],
        ];
    },
    get soObjectiveName() {
        const objective = this.props.activity.sales_objective_id;
        return Array.isArray(objective) ? objective[1] : "";
    },
    get soTargetText() {
        const target = this.props.activity.so_target_value;
        if (!target) {
            return "";
        }
        const digits = Number.isInteger(target) ? 0 : 2;
        return _t("target: %(target)s", { target: formatFigure(target, digits) });
    },
    get soHasResult() {
        const activity = this.props.activity;
        return activity.so_measure !== "commitment" && activity.so_objective_type === "sales";
    },
    get soMissingOutcome() {
        return this.soHasOpenObjective && !this.props.activity.so_outcome_state;
    },
    async soOnce(run) {
        if (this.soSaving) {
            return;
        }
        this.soSaving = true;
        try {
            return await run();
        } finally {
            this.soSaving = false;
        }
    },
    /**
     * Reads the result typed into the activity (``so_outcome_result``: a number, or ""
     * when none is typed); false, with the field marked invalid, when it is no number.
     */
    soReadResult() {
        const activity = this.props.activity;
        activity.so_result_invalid = false;
        // none typed: the server records the target when achieved, 0 otherwise
        activity.so_outcome_result = "";
        const text = (activity.so_result_text || "").trim();
        if (!this.soHasOpenObjective || !activity.so_outcome_state || !this.soHasResult || !text) {
            return true;
        }
        try {
            activity.so_outcome_result = parseTypedFloat(text);
        } catch {
            activity.so_result_invalid = true;
            return false;
        }
        return true;
    },
    get soInvalidResultText() {
        return _t("“%(typed)s” is not a number: type the result in digits, e.g. %(example)s.", {
            typed: (this.props.activity.so_result_text || "").trim(),
            example: formatFigure(12500, 0),
        });
    },
    soOnInputResult(ev) {
        this.props.activity.so_result_text = ev.target.value;
        this.props.activity.so_result_invalid = false;
    },
    onClickDone() {
        if (!this.soReadResult()) {
            return;
        }
        return this.soOnce(() => super.onClickDone(...arguments));
    },
    onClickDoneAndScheduleNext() {
        if (!this.soReadResult()) {
            return;
        }
        return this.soOnce(() => super.onClickDoneAndScheduleNext(...arguments));
    },
    soSetOutcome(state) {
        const activity = this.props.activity;
        if (activity.so_outcome_state === state) {
            return;
        }
        activity.so_outcome_state = state;
        // the result starts again with each outcome: the target when achieved (written
        // as a figure of the user's language), empty otherwise (the rep types what
        // "partly" won)
        const target = activity.so_target_value;
        activity.so_result_text =
            state === "achieved" && target
                ? formatFigure(target, Number.isInteger(target) ? 0 : 2)
                : "";
        activity.so_result_invalid = false;
    },
});

patch(Activity.prototype, {
    _soOutcomeContext() {
        if (!this.so_outcome_state) {
            return {};
        }
        return {
            sales_objective_outcome: {
                state: this.so_outcome_state,
                result_value: this.so_outcome_result === "" ? null : this.so_outcome_result,
            },
        };
    },
    async markAsDone(attachmentIds = []) {
        if (!this.so_outcome_state) {
            return super.markAsDone(...arguments);
        }
        await this.store.env.services.orm.call("mail.activity", "action_feedback", [[this.id]], {
            attachment_ids: attachmentIds,
            feedback: this.feedback,
            context: this._soOutcomeContext(),
        });
        this.store.activityBroadcastChannel?.postMessage({
            type: "RELOAD_CHATTER",
            payload: { id: this.res_id, model: this.res_model },
        });
    },
    async markAsDoneAndScheduleNext() {
        if (!this.so_outcome_state) {
            return super.markAsDoneAndScheduleNext(...arguments);
        }
        const action = await this.store.env.services.orm.call(
            "mail.activity",
            "action_feedback_schedule_next",
            [[this.id]],
            { feedback: this.feedback, context: this._soOutcomeContext() }
        );
        this.activityBroadcastChannel?.postMessage({
            type: "RELOAD_CHATTER",
            payload: { id: this.res_id, model: this.res_model },
        });
        return action;
    },
});

/**
 * An opportunity's objectives (tab, smart button, kanban indicator) change when one
 * of its activities changes or is scheduled: reload the opportunity then.
 */
patch(Chatter.prototype, {
    onActivityChanged(thread) {
        super.onActivityChanged(...arguments);
        if (thread?.model === "crm.lead") {
            this.reloadParentView();
        }
    },
    async scheduleActivity() {
        if (this.state.thread?.model !== "crm.lead" || !this.state.thread.id) {
            return super.scheduleActivity(...arguments);
        }
        this.closeSearch();
        const thread = this.state.thread;
        await this.store.scheduleActivity(thread.model, [thread.id]);
        this.load(thread, ["activities", "messages"]);
        await this.reloadParentView();
    },
});
