"""Test harness for terraform-aws-scheduled-batch: ephemeral accounts, schedule delivery, posture."""

__version__ = "0.1.0"
