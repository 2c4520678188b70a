"""The analyses of the alliance literature, pure and fast: no web, no database, no files.

>>> from alliance.stats import mediation, meta_analysis
"""

from alliance.stats import effect_sizes
from alliance.stats._data import AnalysisError
from alliance.stats.growth import growth
from alliance.stats.growth_result import GrowthResult
from alliance.stats.mediation import mediation
from alliance.stats.mediation_result import Effect, MediationResult
from alliance.stats.meta import egger_test, meta_analysis
from alliance.stats.meta_result import EggerTest, MetaResult
from alliance.stats.moderation import moderation
from alliance.stats.moderation_result import ModerationResult
from alliance.stats.regression import RegressionResult, regression

__all__ = [
    "AnalysisError",
    "Effect",
    "EggerTest",
    "GrowthResult",
    "MediationResult",
    "MetaResult",
    "ModerationResult",
    "RegressionResult",
    "effect_sizes",
    "egger_test",
    "growth",
    "mediation",
    "meta_analysis",
    "moderation",
    "regression",
]
