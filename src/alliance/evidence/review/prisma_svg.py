"""Drawing the PRISMA 2020 flow diagram: one layout, written as SVG text or drawn with matplotlib.

The SVG is written directly (no drawing library), so the file holds the counts as plain text;
the matplotlib figure is drawn from the same boxes and is what PNG export saves.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from alliance.evidence.review.prisma import PrismaCounts

LINE = 16
PAD = 8
GAP = 34
LEFT_X, LEFT_W = 40, 330
RIGHT_X, RIGHT_W = 430, 310
WIDTH = RIGHT_X + RIGHT_W + 20
TOP = 50
TITLE = "Identification of studies via databases and registers"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    lines: tuple[str, ...]

    @property
    def height(self) -> float:
        return len(self.lines) * LINE + 2 * PAD


@dataclass(frozen=True)
class Layout:
    boxes: tuple[Box, ...]
    arrows: tuple[tuple[float, float, float, float], ...]
    phases: tuple[tuple[str, float, float], ...]
    height: float


def layout(counts: PrismaCounts) -> Layout:
    """Place every box, arrow and phase label of the flow diagram."""
    databases = [_n(f"  {name}", n) for name, n in counts.identified]
    reasons = [_n(f"  {reason}", n) for reason, n in counts.excluded_reasons]
    rows = [
        (
            "Identification",
            ["Records identified from:", _n("Databases", counts.identified_total), *databases],
            [
                "Records removed before screening:",
                _n("Duplicate records removed", counts.duplicates_removed),
            ],
        ),
        (
            "Screening",
            [_n("Records screened", counts.screened)],
            [_n("Records excluded", counts.screened_excluded)],
        ),
        (
            None,
            [_n("Reports sought for retrieval", counts.sought)],
            [_n("Reports not retrieved", counts.not_retrieved)],
        ),
        (
            None,
            [_n("Reports assessed for eligibility", counts.assessed)],
            ["Reports excluded:", *reasons],
        ),
        (
            "Included",
            [
                _n("Studies included in review", counts.studies_included),
                _n("Reports of included studies", counts.reports_included),
            ],
            None,
        ),
    ]
    boxes: list[Box] = []
    arrows: list[tuple[float, float, float, float]] = []
    phases: list[tuple[str, float, float]] = []
    y: float = TOP
    previous: Box | None = None
    for phase, left_lines, right_lines in rows:
        left = Box(LEFT_X, y, LEFT_W, tuple(_wrap(left_lines, 44)))
        right = Box(RIGHT_X, y, RIGHT_W, tuple(_wrap(right_lines, 40))) if right_lines else None
        height = max(left.height, right.height if right else 0)
        boxes.append(left)
        if right:
            boxes.append(right)
            arrows.append((LEFT_X + LEFT_W, y + left.height / 2, RIGHT_X, y + left.height / 2))
        if previous is not None:
            middle = LEFT_X + LEFT_W / 2
            arrows.append((middle, previous.y + previous.height, middle, y))
        if phase:
            phases.append((phase, y, 0.0))
        previous = left
        y += height + GAP
    bottom = max(y - GAP, phases[-1][1] + 80)  # room for the last phase's rotated label
    phases = [
        (name, start, (phases[i + 1][1] - GAP / 2) if i + 1 < len(phases) else bottom)
        for i, (name, start, _) in enumerate(phases)
    ]
    return Layout(tuple(boxes), tuple(arrows), tuple(phases), bottom + 20)


def to_svg(counts: PrismaCounts) -> str:
    """The flow diagram as an SVG document (text)."""
    plan = layout(counts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{plan.height:.0f}" '
        f'viewBox="0 0 {WIDTH} {plan.height:.0f}" font-family="Helvetica, Arial, sans-serif" '
        'font-size="12">',
        '<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" '
        'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#333"/></marker></defs>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{plan.height:.0f}" fill="white"/>',
        f'<rect x="{LEFT_X}" y="10" width="{WIDTH - LEFT_X - 20}" height="26" fill="#f6c75e" '
        'stroke="#333"/>',
        f'<text x="{LEFT_X + 8}" y="28" font-weight="bold">{escape(TITLE)}</text>',
    ]
    for name, start, end in plan.phases:
        middle = (start + end) / 2
        parts.append(
            f'<rect x="6" y="{start:.0f}" width="24" height="{end - start:.0f}" fill="#bcd7ea" '
            'stroke="#333"/>'
        )
        parts.append(
            f'<text x="18" y="{middle:.0f}" text-anchor="middle" font-weight="bold" '
            f'transform="rotate(-90 18 {middle:.0f})">{escape(name)}</text>'
        )
    for box in plan.boxes:
        parts.append(
            f'<rect x="{box.x}" y="{box.y:.0f}" width="{box.width}" height="{box.height:.0f}" '
            'fill="white" stroke="#333"/>'
        )
        for number, line in enumerate(box.lines):
            y = box.y + PAD + LINE * (number + 1) - 4
            parts.append(
                f'<text x="{box.x + PAD}" y="{y:.0f}" xml:space="preserve">{escape(line)}</text>'
            )
    for x1, y1, x2, y2 in plan.arrows:
        parts.append(
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#333" '
            'marker-end="url(#arrow)"/>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def draw_figure(counts: PrismaCounts) -> Figure:
    """The flow diagram as a matplotlib figure (100 pixels per inch, as the SVG is sized)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, Rectangle

    plan = layout(counts)
    figure = Figure(figsize=(WIDTH / 100, plan.height / 100), dpi=100)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, WIDTH)
    axes.set_ylim(plan.height, 0)
    axes.axis("off")
    axes.add_patch(Rectangle((LEFT_X, 10), WIDTH - LEFT_X - 20, 26, fc="#f6c75e", ec="#333"))
    axes.text(LEFT_X + 8, 23, TITLE, va="center", fontsize=9, fontweight="bold")
    for name, start, end in plan.phases:
        axes.add_patch(Rectangle((6, start), 24, end - start, fc="#bcd7ea", ec="#333"))
        axes.text(18, (start + end) / 2, name, rotation=90, ha="center", va="center", fontsize=9)
    for box in plan.boxes:
        axes.add_patch(Rectangle((box.x, box.y), box.width, box.height, fc="white", ec="#333"))
        for number, line in enumerate(box.lines):
            y = box.y + PAD + LINE * number + LINE / 2
            axes.text(box.x + PAD, y, line, va="center", fontsize=8.5)
    for x1, y1, x2, y2 in plan.arrows:
        axes.add_patch(FancyArrowPatch((x1, y1), (x2, y2), arrowstyle="-|>", mutation_scale=10))
    return figure


def _n(label: str, count: int) -> str:
    return f"{label} (n = {count})"


def _wrap(lines: list[str], width: int) -> list[str]:
    wrapped: list[str] = []
    for line in lines:
        indent = "    " if line.startswith("  ") else ""
        wrapped += textwrap.wrap(line, width, subsequent_indent=indent) or [""]
    return wrapped
