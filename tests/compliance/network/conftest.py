"""The workspace's logged-in staff clients serve the network pages' tests too."""

from tests.compliance.workspace.conftest import officer_client  # noqa: F401
