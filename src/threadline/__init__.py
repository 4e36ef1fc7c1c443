"""Threadline: cross-reference every incident a force logs with everything it already knows."""

__version__ = "0.1.0"
__all__ = ["__version__"]
