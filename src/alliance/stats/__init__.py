"""The analyses of the alliance literature, pure and fast: no web, no database, no files.

>>> from alliance.stats import mediation, meta_analysis
"""

from alliance.stats import effect_sizes
from alliance.stats._data import AnalysisError
from alliance.stats.mediation import mediation
from alliance.stats.mediation_result import Effect, MediationResult
from alliance.stats.meta import egger_test, meta_analysis
from alliance.stats.meta_result import EggerTest, MetaResult

__all__ = [
    "AnalysisError",
    "Effect",
    "EggerTest",
    "MediationResult",
    "MetaResult",
    "effect_sizes",
    "egger_test",
    "mediation",
    "meta_analysis",
]
