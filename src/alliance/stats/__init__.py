"""The analyses of the alliance literature, pure and fast: no web, no database, no files.

>>> from alliance.stats import mediation
"""

from alliance.stats._data import AnalysisError
from alliance.stats.mediation import mediation
from alliance.stats.mediation_result import Effect, MediationResult

__all__ = ["AnalysisError", "Effect", "MediationResult", "mediation"]
