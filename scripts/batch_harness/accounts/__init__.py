"""Accounts a run works in: a real AWS account (the local one is `batch_harness.emulator`)."""
