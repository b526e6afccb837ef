"""Batch jobs as real containers: each attempt runs the job definition's image in the local engine.

``spec`` maps a job (definition + SubmitJob request) to a container the way Batch on Fargate
does, ``secrets`` resolves its secrets from the account, ``engine`` talks to Docker (labels,
cleanup), ``runner`` runs the attempts (timeout, OOM, retries, logs) and ``mode`` decides, once
per emulator, whether containers run at all or the simulated runner decides every job.
"""
