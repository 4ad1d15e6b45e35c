"""The single source of climann's version number."""

__version__ = "0.1.0"
