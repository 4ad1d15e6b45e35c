"""The target of a run that names none.

``[data] target`` defaults to ``tas``, the sample dataset's target (docs/cli.md, "The sample
dataset"): ``climann train`` with no options trains on it. For other files that default is a
guess of a name, and ``climann info`` proposes another (the file's main variable,
:func:`climann.data.info.target_proposal`): ``train --data data/cpc`` looked for ``tas`` while
``info data/cpc`` proposed ``precip`` (break39a F8). A file holding ``tas`` beside the variable
info proposes was trained on ``tas`` without a word. Train without a target (no ``--target``, no
``[data] target`` in the config, no ``--set data.target``) therefore takes ``tas`` only where info
proposes it too, and else refuses, naming what info proposes.

Files renamed by ``[data] rename`` or split by ``[data] split_files`` are not checked: info reads
neither, so its proposal is not of the files the run reads.

This refusal comes before the configuration's own checks that read the default as a target
the user named (:func:`refuse_default_target_first`): ``train --data pr_tas.nc --predictors tas``
was told "the target 'tas' is also listed as a predictor" of a target never named (rerun39 N4).

The proposal is computed once per command: reading it opens the files and reads three time steps of
each variable (0.5 user-s on the sample, issue 15), and both checks ask for it. The first check
returns it as a :class:`TargetProposal` and the second takes it back, reusing it only for the same
files, ``overlap`` and ``select``; it is passed along, never kept between commands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from climann.errors import ClimannError
from climann.workflow.config import DEFAULT_SAMPLE_PATH, RunConfig, build_config

__all__ = ["TargetProposal", "check_default_target", "refuse_default_target_first"]

#: The ``[data]`` keys whose check reads the default target as one the user named: the
#: predictors (a predictor equal to the target); the lags refer to it by name but are checked later.
_KEYS_NAMING_THE_TARGET = ("predictors",)


@dataclass(frozen=True)
class TargetProposal:
    """What ``climann info`` proposes as the target of some files (:func:`climann.data.info.target_proposal`).

    Attributes
    ----------
    paths : tuple of str
        The files, as in ``[data] paths``.
    overlap : str
        As ``[data] overlap``.
    select : dict
        As ``[data] select``.
    proposed : str
        The variable info proposes (``""`` when none).
    unusable : str
        Why info proposes no config with it (``""`` when it does).
    """

    paths: tuple[str, ...]
    overlap: str
    select: dict
    proposed: str
    unusable: str

    def is_of(self, config: RunConfig) -> bool:
        """Whether this is the proposal for ``config``'s files, ``overlap`` and ``select``."""
        data = config.data
        return (self.paths, self.overlap, self.select) == (tuple(data.paths), data.overlap, dict(data.select))


def refuse_default_target_first(settings: Mapping[str, Mapping]) -> TargetProposal | None:
    """:func:`check_default_target` on settings not yet built, so that a run without a target is
    told so before :func:`~climann.workflow.config.build_config` reads train's default as a target
    the user named ("the target 'tas' is also listed as a predictor" where info proposes ``pr``).

    The settings are built without :data:`_KEYS_NAMING_THE_TARGET`; settings that fail for
    another reason are left to :func:`~climann.workflow.config.build_config` to refuse.

    Parameters
    ----------
    settings : mapping
        ``{section: {key: value}}``, config file, ``--set`` and flags merged.

    Returns
    -------
    TargetProposal or None
        The proposal read, for :func:`check_default_target` to reuse (``proposal=``); None where
        none was read.

    Raises
    ------
    ClimannError
        As :func:`check_default_target`.
    """
    data = settings.get("data", {})
    if not isinstance(data, Mapping) or data.get("target") is not None:
        return None
    probe = {**settings, "data": {key: value for key, value in data.items() if key not in _KEYS_NAMING_THE_TARGET}}
    try:
        config = build_config(probe)
    except ClimannError:
        return None  # another fault of the settings: build_config tells it
    return check_default_target(config, settings)


def check_default_target(config: RunConfig, settings: Mapping[str, Mapping], *,
                         proposal: TargetProposal | None = None) -> TargetProposal | None:
    """Refuse a run whose target is train's default only, where ``climann info`` proposes another.

    Parameters
    ----------
    config : RunConfig
        The resolved configuration (its ``data.target`` the default when none was given).
    settings : mapping
        The settings it was built from (config file, ``--set`` and flags merged): whether a
        target was given.
    proposal : TargetProposal, optional
        The proposal :func:`refuse_default_target_first` read in the same command: reused where
        it is of ``config``'s files, ``overlap`` and ``select`` (the files are not read again),
        else read anew.

    Returns
    -------
    TargetProposal or None
        The proposal checked against; None where none is needed (a target given, the sample's
        files, renamed or split files).

    Raises
    ------
    ClimannError
        No target given, files other than the sample's, and info proposes another variable
        than the default: "no target given …; climann info proposes 'precip' for data/cpc:
        name it with --target precip …"; or info proposes no config, with info's reason: "no
        target given …, and climann info proposes none for orog.nc: no time-varying variable …".
    """
    data = config.data
    if (settings.get("data", {}).get("target") is not None or data.paths == (DEFAULT_SAMPLE_PATH,)
            or data.rename or data.split_files):
        return None
    if proposal is None or not proposal.is_of(config):
        # imported only when asked: a mistaken flag is told before xarray and dask are imported (cli.train)
        from climann.data.info import target_proposal

        proposal = TargetProposal(tuple(data.paths), data.overlap, dict(data.select),
                                  *target_proposal(data.paths, overlap=data.overlap, select=data.select))
    proposed, unusable = proposal.proposed, proposal.unusable
    where = " ".join(data.paths)
    if unusable:  # info refuses: its proposal is no target (orog.nc, a field without time)
        raise ClimannError(
            f"no target given (--target, [data] target), and climann info proposes none for {where}: {unusable} "
            f"(climann info {where} describes the variables)")
    if proposed and proposed != data.target:
        raise ClimannError(
            f"no target given (--target, [data] target): the default '{data.target}' is the sample dataset's, and "
            f"climann info proposes '{proposed}' for {where}; name the variable to predict: --target {proposed} "
            f"(climann info {where} lists the others)")
    return proposal
