"""The analyses of the alliance literature, pure and fast: no web, no database, no files.

>>> from alliance.stats import mediation, meta_analysis
"""

from alliance.stats import effect_sizes
from alliance.stats._data import AnalysisError
from alliance.stats.clinical_change import ClinicalChange, clinical_change
from alliance.stats.experiment import experiment
from alliance.stats.experiment_result import ExperimentResult
from alliance.stats.growth import growth
from alliance.stats.growth_result import GrowthResult
from alliance.stats.icc import IntraclassResult, intraclass_correlation
from alliance.stats.mediation import mediation
from alliance.stats.mediation_result import Effect, MediationResult
from alliance.stats.meta import egger_test, meta_analysis
from alliance.stats.meta_result import EggerTest, MetaResult
from alliance.stats.moderated_mediation import moderated_mediation
from alliance.stats.moderated_mediation_result import ModeratedMediationResult
from alliance.stats.moderation import moderation
from alliance.stats.moderation_result import ModerationResult
from alliance.stats.path_model import PathModelResult, path_model
from alliance.stats.regression import RegressionResult, regression
from alliance.stats.reliability import ScaleReliability, scale_reliability

__all__ = [
    "AnalysisError",
    "ClinicalChange",
    "Effect",
    "EggerTest",
    "ExperimentResult",
    "GrowthResult",
    "IntraclassResult",
    "MediationResult",
    "MetaResult",
    "ModeratedMediationResult",
    "ModerationResult",
    "PathModelResult",
    "RegressionResult",
    "ScaleReliability",
    "clinical_change",
    "effect_sizes",
    "egger_test",
    "experiment",
    "growth",
    "intraclass_correlation",
    "mediation",
    "meta_analysis",
    "moderated_mediation",
    "moderation",
    "path_model",
    "regression",
    "scale_reliability",
]
