"""The `batch-harness` command line: argument parsing, the subcommands and how results are shown."""
