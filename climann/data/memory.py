"""The memory a run may hold at once: ``[data] in_memory_limit_gb`` and its default.

Samples beyond the limit are streamed from disk in chunks (:mod:`climann.data.batches`), and
the grids a run's figures read back from its predictions file stay under it
(:func:`climann.evaluation.figures.draw_figures_from_file`). The default lives here, below the
workflow's configuration, so that ``climann plot`` of a run whose ``config.toml`` predates the
key uses the same value as a new run. Nothing heavy is imported: the configuration reads it.
"""

from __future__ import annotations

#: The default of ``[data] in_memory_limit_gb``, in GiB (2**30 bytes, as everywhere it is compared).
DEFAULT_IN_MEMORY_LIMIT_GB = 2.0
