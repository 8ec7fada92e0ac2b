"""Key statistics for the period against the same period a year before, with a chart.

The table is ``boards.keystats.statistics_table``, the statistics page's own, so the report and
the page agree on every change and direction. Two queries.
"""

from dataclasses import dataclass, field

from boards.keystats import StatisticRow, group_by_category, period_label, statistics_table

from ..charts import BarChart, change_chart
from . import Period


@dataclass
class StatisticsData:
    this_period: str
    last_period: str
    rows: list[StatisticRow] = field(default_factory=list)
    chart: BarChart | None = None

    @property
    def groups(self) -> list[tuple[str, list[StatisticRow]]]:
        return group_by_category(self.rows)

    @property
    def any_from_quarters(self) -> bool:
        return any(row.from_quarters for row in self.rows)


def build_statistics(period: Period) -> StatisticsData:
    rows = statistics_table(period.year, period.quarter)
    data = StatisticsData(
        this_period=period_label(period.year, period.quarter),
        last_period=period_label(period.year.previous(), period.quarter),
    )
    # Indicators with no figure for either period say nothing about this one.
    data.rows = [row for row in rows if row.current is not None or row.previous is not None]
    data.chart = change_chart(
        data.rows,
        title=f"Change in each indicator, {data.this_period} against {data.last_period} (%)",
    )
    return data
