"""`python -m batch_harness.cli`: the same as the `batch-harness` command."""

import sys

from batch_harness.cli.main import main

sys.exit(main())
