"""What a growth (mixed) model found: fixed effects, variance components, trajectories."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from numpy.typing import NDArray
from scipy import stats

if TYPE_CHECKING:
    from alliance.stats.growth import _Profile

Array = NDArray[np.float64]


@dataclass(frozen=True)
class GrowthResult:
    """A fitted random-intercept-and-slope model.

    ``fixed`` has one row per fixed effect (z tests, as MixedLM reports them); ``cov_re``
    is the covariance of the patients' intercepts and slopes; ``scale`` the residual
    variance; ``random`` each patient's predicted deviations (intercept, slope).
    """

    y: str
    time: str
    group: str
    reml: bool
    level: float
    n: int
    n_dropped: int
    patients: int
    fixed: pd.DataFrame = field(repr=False)
    cov_fixed: Array = field(repr=False, compare=False)
    cov_re: Array = field(repr=False, compare=False)
    scale: float
    llf: float
    converged: bool
    random: Array = field(repr=False, compare=False)
    observations: pd.DataFrame = field(repr=False, compare=False)
    fitted_population: Array = field(repr=False, compare=False)

    @classmethod
    def of(
        cls,
        *,
        y: str,
        time: str,
        group: str,
        terms: tuple[str, ...],
        reml: bool,
        level: float,
        n_dropped: int,
        patients: int,
        profile: _Profile,
        theta: Array,
        converged: bool,
        frame: pd.DataFrame,
        design: Array,
        random: Array,
    ) -> GrowthResult:
        """Assemble the result from the optimum of the profiled likelihood."""
        lam = np.array([[theta[0], 0.0], [theta[1], theta[2]]])
        cov_fixed = np.asarray(
            profile.sigma2 * np.linalg.inv(profile.information), dtype=np.float64
        )
        se = np.sqrt(np.diag(cov_fixed))
        z = profile.beta / se
        quantile = stats.norm.ppf((1 + level) / 2)
        fixed = pd.DataFrame(
            {
                "estimate": profile.beta,
                "se": se,
                "z": z,
                "p": 2 * stats.norm.sf(np.abs(z)),
                "ci_low": profile.beta - quantile * se,
                "ci_high": profile.beta + quantile * se,
            },
            index=pd.Index(terms, name="term"),
        )
        return cls(
            y=y,
            time=time,
            group=group,
            reml=reml,
            level=level,
            n=len(frame),
            n_dropped=n_dropped,
            patients=patients,
            fixed=fixed,
            cov_fixed=cov_fixed,
            cov_re=profile.sigma2 * lam @ lam.T,
            scale=profile.sigma2,
            llf=-profile.criterion / 2,
            converged=converged,
            random=random,
            observations=frame,
            fitted_population=design @ profile.beta,
        )

    def to_frame(self) -> pd.DataFrame:
        """The fixed effects, one row per term."""
        return self.fixed.reset_index()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "analysis": "growth",
            "estimation": "REML" if self.reml else "ML",
            "y": self.y,
            "time": self.time,
            "group": self.group,
            "n": self.n,
            "n_dropped": self.n_dropped,
            "patients": self.patients,
            "fixed": self.to_frame().to_dict(orient="records"),
            "random": {
                "intercept_variance": float(self.cov_re[0, 0]),
                "slope_variance": float(self.cov_re[1, 1]),
                "covariance": float(self.cov_re[0, 1]),
                "residual_variance": self.scale,
            },
            "log_likelihood": self.llf,
            "converged": self.converged,
        }

    def summary(self) -> str:
        """A plain-text report."""
        lines = [
            f"Growth model ({'REML' if self.reml else 'ML'}): {self.y} over {self.time}, "
            f"random intercept and slope per {self.group}",
            f"{self.n} observations of {self.patients} patients ({self.n_dropped} rows dropped); "
            f"log-likelihood {self.llf:.4f}" + ("" if self.converged else "; NOT CONVERGED"),
            "",
            f"  {'term':<24} {'estimate':>10} {'SE':>9} {'z':>9} {'p':>10}",
        ]
        for term, row in self.fixed.iterrows():
            lines.append(
                f"  {term!s:<24} {row['estimate']:10.4f} {row['se']:9.4f} {row['z']:9.3f} "
                f"{row['p']:10.4g}"
            )
        sd = np.sqrt(np.diag(self.cov_re))
        correlation = self.cov_re[0, 1] / (sd[0] * sd[1]) if np.all(sd > 0) else float("nan")
        lines += [
            "",
            f"Between patients: intercept SD {sd[0]:.4f}, slope SD {sd[1]:.4f}, "
            f"correlation {correlation:.3f}",
            f"Within patients: residual SD {np.sqrt(self.scale):.4f}",
        ]
        return "\n".join(lines)

    def plot(self, patients: int = 40, seed: int = 0) -> Figure:
        """Growth curves: the average trajectory and a random sample of patients' own."""
        figure = Figure(figsize=(8, 4.5), layout="constrained")
        axes = figure.subplots()
        frame = self.observations.assign(population=self.fitted_population)
        rng = np.random.default_rng(seed)
        shown = rng.choice(self.patients, size=min(patients, self.patients), replace=False)
        for code in shown:
            rows = frame[frame["group"] == code].sort_values("time")
            own = rows["population"] + self.random[code, 0] + self.random[code, 1] * rows["time"]
            axes.plot(rows["time"], own, color="tab:blue", alpha=0.25, linewidth=0.8)
            axes.plot(rows["time"], rows["y"], ".", color="tab:blue", alpha=0.25, markersize=3)
        average = frame.groupby("time")["population"].mean()
        axes.plot(average.index, average.to_numpy(), color="black", linewidth=2.5, label="average")
        axes.set_xlabel(self.time)
        axes.set_ylabel(self.y)
        axes.legend(loc="best")
        axes.set_title(f"Average trajectory and {len(shown)} patients' fitted trajectories")
        return figure
