"""Progress bars and closing summaries for long management commands (tqdm), quiet under -v 0."""

import sys
import time

from tqdm import tqdm


def progress_bar(command, verbosity, **kwargs):
    """Return a tqdm bar on the command's standard error; one that shows nothing when verbosity is 0."""
    # The command's stderr is an OutputWrapper, which ends every write with a newline; tqdm needs the stream itself.
    stream = getattr(command.stderr, "_out", sys.stderr)
    return tqdm(file=stream, disable=verbosity == 0, dynamic_ncols=True, **kwargs)


class Stopwatch:
    """Time a command's work, for its summary."""

    def __init__(self):
        self.started = time.monotonic()

    def __str__(self):
        seconds = time.monotonic() - self.started
        return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
