"""Case panels that report to the board, as counts for the period: never a name or a label.

The panels are those beneath the board (MARAC under the VAWG forum under the partnership board
counts for all three). The counts are ``reviews.statistics``' own: three queries per panel, plus
two to find the panels.
"""

from dataclasses import dataclass, field

from boards.models import Board
from reviews.statistics import PanelStatistics, panel_statistics

from . import Period, boards_beneath


@dataclass(frozen=True)
class PanelCounts:
    name: str
    panel_type: str
    statistics: PanelStatistics

    def rows(self) -> list[tuple[str, int | str]]:
        """(measure, count) in report order; only aggregate counts, nothing about a case."""
        s = self.statistics
        rate = "–" if s.repeat_rate is None else f"{s.repeat_rate:g}%"
        return [
            ("Referrals received", s.referrals),
            ("Cases heard at a meeting", s.cases_heard),
            ("Repeat cases among those heard", s.repeat_cases),
            ("Repeat rate", rate),
            ("Children in the households of cases heard", s.children),
            ("Cases transferred in from another area", s.transfers_in),
            ("Cases transferred out to another area", s.transfers_out),
            ("Cases closed", s.cases_closed),
        ]


@dataclass
class PanelsData:
    panels: list[PanelCounts] = field(default_factory=list)

    @property
    def table(self) -> list[tuple[str, list[int | str]]]:
        """A row per measure, a column per panel."""
        columns = [panel.rows() for panel in self.panels]
        if not columns:
            return []
        return [
            (label, [column[index][1] for column in columns])
            for index, (label, _) in enumerate(columns[0])
        ]


def build_panels(period: Period) -> PanelsData:
    panels = (
        Board.objects.filter(
            pk__in=boards_beneath(period.board.pk), kind=Board.Kind.PANEL, panel_rules__isnull=False
        )
        .select_related("panel_rules")
        .order_by("name")
    )
    data = PanelsData()
    for panel in panels:
        statistics = panel_statistics(panel, period.start, period.end)
        data.panels.append(
            PanelCounts(
                name=panel.name,
                panel_type=panel.panel_rules.get_panel_type_display(),
                statistics=statistics,
            )
        )
    return data
