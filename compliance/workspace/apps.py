from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The officers' pages: dashboard and Customer 360 (read-only views over the other apps)."""

    name = "compliance.workspace"
    label = "workspace"
    verbose_name = "Workspace"
