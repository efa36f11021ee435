"""Bootstrap resamples drawn on counts where that is exact, on row weights where it must be."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]

# Cap on cells drawn per multinomial batch, so memory stays bounded for big intersections.
BATCH_CELLS = 1 << 22


def resample_cells(
    cells: npt.NDArray[np.int64], n_resamples: int, rng: np.random.Generator
) -> Iterator[npt.NDArray[np.int64]]:
    """Yield batches of resampled cell counts, shape (batch, *cells.shape), n_resamples in all.

    Resampling n rows with replacement gives every row a multiplicity; the rows of one cell
    (group, true label, predicted label) are interchangeable, so only the total multiplicity
    per cell matters, and that total is, by the aggregation property of the multinomial
    distribution, Multinomial(n, cell_count / n). Drawing it directly is the row bootstrap, in
    distribution, at a cost set by the number of cells, not rows. (The only approximation is
    cell_count / n rounded to a double.) Statistics that depend on more than the cell (ROC AUC,
    regression errors) use `row_weights` instead.
    """
    total = int(cells.sum())
    flat = cells.reshape(-1)
    probabilities = flat / total
    batch = max(1, BATCH_CELLS // max(flat.size, 1))
    done = 0
    while done < n_resamples:
        size = min(batch, n_resamples - done)
        draws = rng.multinomial(total, probabilities, size=size)
        yield draws.reshape((size, *cells.shape)).astype(np.int64, copy=False)
        done += size


def row_weights(n_rows: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """Multiplicity of each row in one resample of n_rows rows drawn with replacement."""
    picks = rng.integers(0, n_rows, size=n_rows)
    return np.bincount(picks, minlength=n_rows).astype(np.int64, copy=False)
