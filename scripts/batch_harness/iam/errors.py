"""Errors raised for documents IAM itself would reject (so an answer about them would be a guess)."""


class PolicyError(ValueError):
    """A policy document is malformed: unknown operator, missing Effect/Action/Resource, bad JSON."""
