"""Terraform for the harness: the process, the runner, plans and addresses, configs, provider schemas."""
