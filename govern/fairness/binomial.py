"""Intervals and tests that stay honest at small n: Wilson and Clopper-Pearson, permutation, Holm.

A selection rate is a binomial proportion, so it has exact and near-exact intervals that need no
resampling and hold for a group of five as well as five million. The base install has no scipy,
so the beta quantile behind Clopper-Pearson is computed here (continued fraction for the
regularised incomplete beta, inverted by bisection); the tests compare it with scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt

IntervalMethod = Literal["wilson", "clopper-pearson"]


def wilson(selected: int, n: int, level: float) -> tuple[float, float]:
    """Wilson score interval: never outside [0, 1], sensible at 0 or n successes."""
    if n <= 0:
        raise ValueError("a rate needs at least one row")
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = selected / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # Exactly 0 (or 1) at 0 (or n) selections, and never excluding p, despite rounding.
    lower = 0.0 if selected == 0 else min(p, max(0.0, centre - half))
    upper = 1.0 if selected == n else max(p, min(1.0, centre + half))
    return lower, upper


def clopper_pearson(selected: int, n: int, level: float) -> tuple[float, float]:
    """Clopper-Pearson ("exact") interval: at least the nominal coverage for every n and rate."""
    if n <= 0:
        raise ValueError("a rate needs at least one row")
    alpha = 1 - level
    lower = 0.0 if selected == 0 else beta_quantile(alpha / 2, selected, n - selected + 1)
    upper = 1.0 if selected == n else beta_quantile(1 - alpha / 2, selected + 1, n - selected)
    return lower, upper


def rate_interval(
    selected: int, n: int, level: float, method: IntervalMethod
) -> tuple[float, float]:
    if method == "wilson":
        return wilson(selected, n, level)
    return clopper_pearson(selected, n, level)


def _beta_fraction(x: float, a: float, b: float) -> float:
    """Lentz's continued fraction for the incomplete beta (converges for x < (a+1)/(a+b+2))."""
    tiny, eps = 1e-300, 1e-16
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100_000):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)), None):
            if aa is None:
                aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < eps:
            break
    return h


def beta_cdf(x: float, a: float, b: float) -> float:
    """The regularised incomplete beta I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(x, a, b) / a
    return 1 - front * _beta_fraction(1 - x, b, a) / b


def beta_quantile(q: float, a: float, b: float) -> float:
    """Inverse of beta_cdf by bisection: monotone, so 200 halvings reach double precision."""
    low, high = 0.0, 1.0
    for _ in range(200):
        mid = (low + high) / 2
        if mid in (low, high):
            break
        if beta_cdf(mid, a, b) < q:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def permutation_p(
    sizes: Sequence[int],
    selected: Sequence[int],
    permutations: int,
    rng: np.random.Generator,
) -> float:
    """P-value of the largest selection-rate gap among groups under shuffled group labels.

    Shuffling which rows belong to which group keeps the group sizes and the total selected; the
    selected counts per group are then multivariate hypergeometric, so they are drawn directly
    (exactly the permutation distribution, without touching rows). The (1 + hits) / (1 + N)
    form never gives 0 and is a valid p-value for a finite N.
    """
    n = np.asarray(sizes, dtype=np.int64)
    observed = _gap(np.asarray(selected, dtype=np.float64)[None, :], n)[0]
    draws = rng.multivariate_hypergeometric(n, int(sum(selected)), size=permutations)
    gaps = _gap(draws.astype(np.float64), n)
    # A relative tolerance, so that ties in exact arithmetic are not lost to rounding.
    hits = int(np.count_nonzero(gaps >= observed - 1e-12))
    return (1 + hits) / (1 + permutations)


def _gap(
    selected: npt.NDArray[np.float64], sizes: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    rates = selected / sizes[None, :]
    gap: npt.NDArray[np.float64] = rates.max(axis=1) - rates.min(axis=1)
    return gap


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment: controls the family-wise error rate across the report."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted
