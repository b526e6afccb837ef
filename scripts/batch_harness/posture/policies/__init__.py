"""Custom checkov policies (CKV_SBATCH_*) for scheduled AWS Batch stacks.

checkov loads this folder with ``--external-checks-dir``; it skips any folder without this
``__init__.py`` *silently*, which is why the posture runner asserts that every expected check
id was registered. Nothing here is meant to be imported as part of ``batch_harness``.
"""
