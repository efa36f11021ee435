"""Find every system under a folder: each folder holding a govern.yaml, in a stable order.

`govern check --all ROOT` assesses what this finds. Tool and version-control folders are not
systems, and a symlinked folder is never followed: one pointing out of ROOT would let a checked-in
link point govern at files elsewhere, and one pointing inside ROOT is found by its real path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "govern.yaml"
# Never systems, and often huge: version control, virtual environments, JavaScript packages.
SKIPPED_FOLDERS = frozenset({".git", ".venv", "node_modules"})


@dataclass(frozen=True)
class Discovery:
    """System folders found under a root (sorted), and symlinked folders refused for leaving it."""

    systems: tuple[Path, ...]
    refused: tuple[Path, ...]


def find_systems(root: Path) -> Discovery:
    """Every folder under `root` (itself included) holding a govern.yaml, sorted by path parts.

    Hidden folders and SKIPPED_FOLDERS are not searched; symlinked folders are not followed,
    and those resolving outside `root` are listed as refused so the caller can say so.
    """
    real_root = Path(os.path.realpath(root))
    systems: list[Path] = []
    refused: list[Path] = []
    for folder, subfolders, files in os.walk(root, followlinks=False):
        here = Path(folder)
        if MANIFEST_NAME in files:
            systems.append(here)
        kept = []
        for name in sorted(subfolders):
            path = here / name
            if name in SKIPPED_FOLDERS or name.startswith("."):
                continue
            if path.is_symlink():
                if not Path(os.path.realpath(path)).is_relative_to(real_root):
                    refused.append(path)
                continue
            kept.append(name)
        subfolders[:] = kept
    return Discovery(
        systems=tuple(sorted(systems, key=_order)), refused=tuple(sorted(refused, key=_order))
    )


def _order(path: Path) -> tuple[str, ...]:
    # By parts, so `a/b` sorts before `a-b` as a reader of a tree expects.
    return path.parts
