"""One harness run from start to cleanup: the steps, the working copy, signals, waiting for jobs."""
