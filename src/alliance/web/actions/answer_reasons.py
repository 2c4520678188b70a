"""The instrument engine's reasons for refusing an answer, in the reader's language.

The engine (``alliance.instruments``) says why in English and gives a code with the item's
response scale; here each code has a translated text, filled in when it is shown, so that an
API answer or a page reads in its visitor's language. Answer values (numbers, ``NA``) are
data and stay as the API takes them.
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alliance.instruments import Problem, Reason
from alliance.instruments.definition import ResponseScale, format_number
from alliance.web.actions.errors import Text

TEXTS: dict[Reason, Text] = {
    Reason.NOT_ALLOWED: _("is not an allowed answer (allowed: %(allowed)s)"),
    Reason.DOES_NOT_APPLY_NOT_ALLOWED: _(
        "does not apply is not an allowed answer here (allowed: %(allowed)s)"
    ),
    Reason.WEIGHT_NOT_POSITIVE: _("must be a positive number for a rated goal"),
    Reason.COLUMN_ABSENT: _("column is absent from the table"),
    Reason.MORE_ATTENDED_THAN_SCHEDULED: _("more visits attended (q1) than scheduled (q2)"),
}


def reason(problem: Problem) -> Text:
    """Why the engine refused the answer, translated when shown."""
    if problem.scale is None:
        return TEXTS[problem.code]
    return _with_allowed(TEXTS[problem.code], problem.scale)


def allowed_answers(scale: ResponseScale) -> str:
    """The answers a response scale allows, in the active language."""
    if scale.is_discrete:
        values = scale.options_text()
    elif scale.step != 1:
        values = gettext("%(low)s to %(high)s in steps of %(step)s") % {
            "low": format_number(scale.min),
            "high": format_number(scale.max),
            "step": format_number(scale.step),
        }
    else:
        values = gettext("%(low)s to %(high)s") % {
            "low": format_number(scale.min),
            "high": format_number(scale.max),
        }
    if scale.does_not_apply:
        return gettext("%(values)s, blank (missing) or NA (does not apply)") % {"values": values}
    return gettext("%(values)s, blank (missing)") % {"values": values}


def _fill(text: Text, scale: ResponseScale) -> str:
    return str(text) % {"allowed": allowed_answers(scale)}


_with_allowed = lazy(_fill, str)
