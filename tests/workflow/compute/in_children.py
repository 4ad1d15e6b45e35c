"""Functions that the compute tests run in other processes: a spawned child, a fresh dask worker.

Such a process imports the module of the function it is given before it runs it. From a test
module that import is the test module's own (climann's whole workflow layer, xarray, dask.array:
seconds of a spawned child's time, or of a new local cluster's worker); from here it is the
standard library's only.
"""

import signal

#: The signals a terminal sends to its foreground job (Ctrl-C, a dropped session).
TERMINAL = {signal.SIGINT, signal.SIGHUP}


def blocked_terminal_signals(queue):
    """In a spawned child: put on ``queue`` which of SIGINT and SIGHUP it holds blocked."""
    queue.put(signal.pthread_sigmask(signal.SIG_BLOCK, []) & TERMINAL)


def worker_timers(dask_worker):
    """The worker's tick and system-monitor periods (ms) and whether it runs the profiler."""
    callbacks = dask_worker.periodic_callbacks
    return callbacks["tick"].callback_time, callbacks["monitor"].callback_time, "profile" in callbacks


def page_faults_of_repeated_temporaries() -> int:
    """Minor page faults of 20 NumPy temporaries of 2 MiB, made and freed one after another."""
    import resource

    import numpy as np

    array = np.ones(2**18)
    for _ in range(2):  # glibc raises its mmap threshold after the first free of a large block
        (array * 2.0).sum()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        (array * 2.0).sum()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
