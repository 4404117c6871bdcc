from . import (
    sales_target_board,
    sales_target_board_rows,
    sales_target_forecast,
    sales_target_leaderboard,
)
