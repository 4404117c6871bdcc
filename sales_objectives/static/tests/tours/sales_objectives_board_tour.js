import { registry } from "@web/core/registry";

/**
 * A salesperson opens the leaderboard: it is a board of this month's rankings of their
 * own team (not the other teams'), each salesperson with their photo, name and
 * position, without a click; the list of the same rankings has its rows open; the
 * forecast opens on the salesperson's own row, its gap in words.
 */
registry.category("web_tour.tours").add("sales_objectives_board_tour", {
    url: "/odoo/action-sales_objectives.sales_target_leaderboard_action",
    steps: () => [
        {
            trigger: ".o_kanban_view .o_kanban_group .o_column_title:contains('SO Board Calls (count) · '):contains(' · SO Board Team')",
            content: "A column per ranking: the KPI, this month and the team, in the user's language",
        },
        {
            trigger: ".o_kanban_record:contains('SO Board Rep A') .o_sales_leaderboard_position:contains('1')",
            content: "The leader and their position, at once",
        },
        {
            trigger: ".o_kanban_record:contains('SO Board Rep B') .o_sales_leaderboard_position:contains('2')",
        },
        {
            trigger: ".o_kanban_record:contains('SO Board Rep C') .o_sales_leaderboard_position:contains('3')",
        },
        {
            trigger: ".o_kanban_record:contains('SO Board Rep A') .o_sales_leaderboard_rank_1 .fa-trophy",
            content: "The top three are on the podium",
        },
        {
            trigger: ".o_kanban_record:contains('SO Board Rep A') img.o_sales_leaderboard_photo",
            content: "With their photo",
        },
        {
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains('SO Board Outsider')))",
            content: "Only the rankings of the user's team",
        },
        {
            trigger: ".o_switch_view.o_list",
            content: "The same rankings as a list, for analysis",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_group_header:contains('SO Board Calls')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('SO Board Rep C')",
            content: "The rows are open",
        },
        {
            trigger: ".o_menu_sections .dropdown-toggle:contains('Targets')",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains('Forecast')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('SO Board Rep A'):contains('to go')",
            content: "The forecast opens on the salesperson's own row, the gap in words",
        },
    ],
});
