"""climann: a transparent NumPy feedforward neural network for gridded climate NetCDF data."""

from climann._version import __version__
from climann.errors import ClimannError

__all__ = ["ClimannError", "__version__"]
