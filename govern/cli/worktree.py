"""Whether git would pick up a file govern writes, so a secret is not committed by accident."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def git_work_tree(start: Path) -> Path | None:
    """The nearest enclosing folder with a `.git` (a repository or a worktree), or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def tracked_by_default(path: Path) -> bool:
    """True when `path` lies in a git work tree that does not ignore it (`git add .` takes it).

    Asks `git check-ignore` when git is installed. Without git nothing can commit the file, and
    a git that cannot answer is not a reason to fail the command: both count as not tracked.
    """
    root = git_work_tree(path.parent)
    if root is None:
        return False
    git = shutil.which("git")
    if git is None:
        return False
    try:
        # A fixed argument list from the resolved git binary; the path is data, not a shell word.
        done = subprocess.run(  # noqa: S603
            [git, "-C", str(root), "check-ignore", "-q", "--no-index", str(path.resolve())],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    # 0: ignored; 1: not ignored; 128: git could not tell (not a repository after all, ...).
    return done.returncode == 1
