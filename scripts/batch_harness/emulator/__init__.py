"""The local ephemeral AWS account: a patched moto server process and its controller.

    from batch_harness.emulator import LocalAccount

    with LocalAccount.start() as account:
        batch = account.client("batch")
        account.write_provider_override(root)
        TerraformRunner(root, env=account.env()).apply()  # AWS_ENDPOINT_URL: every call to the account

Importing this package does not import moto; the patches (``compat``) only ever run inside the
server process. What each patch restores is listed in docs/emulator.md.
"""

from __future__ import annotations

from .account import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, EmulatorError, LocalAccount
from .provider import OVERRIDE_FILE, PLAIN_FILE

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "OVERRIDE_FILE",
    "PLAIN_FILE",
    "EmulatorError",
    "LocalAccount",
]
