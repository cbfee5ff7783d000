"""Reusable widgets shared by the workspaces."""
