"""Data shared by the analysis tests: small, seeded, with known structure."""

import numpy as np
import pandas as pd
import pytest


def mediation_frame(n: int, seed: int) -> pd.DataFrame:
    """Alliance → adherence → outcome with two covariates (the shape of the bench data)."""
    rng = np.random.default_rng(seed)
    age = rng.normal(size=n)
    baseline = rng.normal(size=n)
    alliance = rng.normal(size=n) + 0.2 * age
    adherence = 0.4 * alliance + 0.2 * age - 0.1 * baseline + rng.normal(size=n)
    expectancy = 0.3 * alliance + 0.3 * adherence + rng.normal(size=n)
    outcome = (
        0.3 * adherence
        + 0.2 * expectancy
        + 0.1 * alliance
        + 0.1 * age
        + 0.2 * baseline
        + rng.normal(size=n)
    )
    return pd.DataFrame(
        {
            "alliance": alliance,
            "adherence": adherence,
            "expectancy": expectancy,
            "outcome": outcome,
            "age": age,
            "baseline": baseline,
        }
    )


@pytest.fixture(scope="session")
def clinic() -> pd.DataFrame:
    return mediation_frame(400, seed=3)
