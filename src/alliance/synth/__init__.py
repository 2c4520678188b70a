"""Synthetic clinics calibrated to the alliance literature, with known ground truth.

>>> from alliance.synth import SynthConfig, generate
>>> cohort = generate(SynthConfig(patients=50, seed=1))
>>> sorted(cohort.scores["instrument"].unique())[:3]
['checkin', 'ears', 'ieq']
"""

from alliance.synth.cohort import Cohort, concat, generate, stream
from alliance.synth.config import CONDITIONS, SynthConfig

__all__ = ["CONDITIONS", "Cohort", "SynthConfig", "concat", "generate", "stream"]
