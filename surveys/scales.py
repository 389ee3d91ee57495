"""The standard answer scales, generated from a question's type.

Scales live in code, not in each YAML file, so that every survey's "4" means the
same thing and a council cannot quietly reword one survey's scale and break the
comparison across surveys.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFER_NOT_TO_SAY = "prefer_not_to_say"
"""The option value for "I'd rather not say"; it never counts towards any measure."""

SCALE_TYPES = ("satisfaction5", "faces5", "yes_sometimes_no", "scale0_10")
"""Types whose options come from this module; YAML must not list options for them."""

KPI_TYPES = ("satisfaction5", "faces5", "yes_sometimes_no")
"""Types that may carry `kpi: satisfied_or_better`.

scale0_10 is left out on purpose: life satisfaction out of ten is reported as a
distribution and an average, and no cut-off on it has been agreed with young
people, so it must not be folded into the 80% measure.
"""


@dataclass(frozen=True)
class Option:
    """One answer a respondent can give; `value` is what is stored.

    `counts` is False for "I'd rather not say": analysis leaves it out of both
    the numerator and the denominator. `aliases` are extra words that select the
    option when typed; they do not change the content hash.
    """

    value: str
    label: str
    emoji: str | None = None
    satisfied_or_better: bool = False
    counts: bool = True
    aliases: tuple[str, ...] = ()
    # A picture shipped in webforms/static/symbols/<symbol>.svg, shown beside the label on
    # the web (surveys.definition checks the file is there).
    symbol: str | None = None

    @property
    def display(self) -> str:
        """The label with its face in front, as shown on a button."""
        return f"{self.emoji} {self.label}" if self.emoji else self.label


PREFER_NOT_TO_SAY_OPTION = Option(
    value=PREFER_NOT_TO_SAY,
    label="I'd rather not say",
    satisfied_or_better=False,
    counts=False,
)

_SATISFACTION5 = ("Very unhappy", "Unhappy", "In the middle", "Happy", "Very happy")
_FACES5 = ("Very sad", "Sad", "OK", "Happy", "Very happy")
FACES = ("😢", "🙁", "😐", "🙂", "😀")


def _five(labels: tuple[str, ...], faces: tuple[str, ...] | None) -> tuple[Option, ...]:
    return tuple(
        Option(
            value=str(n),
            label=label,
            emoji=faces[n - 1] if faces else None,
            satisfied_or_better=n >= 4,
        )
        for n, label in enumerate(labels, start=1)
    )


def _zero_to_ten() -> tuple[Option, ...]:
    # Plain numbers: each question says what its 0 and 10 mean.
    return tuple(Option(value=str(n), label=str(n)) for n in range(11))


_STANDARD: dict[str, tuple[Option, ...]] = {
    "satisfaction5": _five(_SATISFACTION5, None),
    "faces5": _five(_FACES5, FACES),
    "yes_sometimes_no": (
        Option("yes", "Yes", satisfied_or_better=True),
        Option("sometimes", "Sometimes"),
        Option("no", "No"),
    ),
    "scale0_10": _zero_to_ten(),
}


def standard_options(question_type: str, prefer_not_to_say: bool = False) -> tuple[Option, ...]:
    """The options of a standard scale, with "I'd rather not say" last if allowed."""
    options = _STANDARD[question_type]
    return options + (PREFER_NOT_TO_SAY_OPTION,) if prefer_not_to_say else options
