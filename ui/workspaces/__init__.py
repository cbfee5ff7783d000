"""Workspaces: one QWidget per kind of work, all subclasses of ``base.Workspace``."""
