"""Familiar: a Pelican plugin that turns member profiles into a community directory."""

from .plugin import register

__all__ = ["register"]
