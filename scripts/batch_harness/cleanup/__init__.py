"""Proving nothing is left: an account's inventory, and the janitor that removes a run's leftovers."""
