"""climann: a transparent NumPy feedforward neural network for gridded climate NetCDF data."""

from climann._version import __version__
from climann.errors import ClimannError
from climann._moved import install as _install_moved_module_names

_install_moved_module_names()  # climann.pipeline, climann.compute … → climann.workflow (no import yet)

__all__ = ["ClimannError", "__version__"]
