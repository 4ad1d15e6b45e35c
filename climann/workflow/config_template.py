"""The commented configuration template of ``climann config init``.

The template is generated from the schema itself: the sections of
:data:`climann.workflow.config.SECTIONS`, each field's default, and the field's description from the
``Attributes`` section of its dataclass's numpydoc docstring. A key added to the schema is in
the template as soon as it is documented, so the two cannot drift apart.

Example
-------
>>> import tomllib
>>> from climann.workflow.config import RunConfig, build_config
>>> build_config(tomllib.loads(config_template())) == RunConfig()
True
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

from climann.atomic import atomic_path, claimed_output
from climann.data.shell import wrapped_lines
from climann.workflow.config import SECTIONS, RunConfig, _toml_value, config_to_dict
from climann.errors import ClimannError
from climann.workflow.outputs import refuse_existing, refuse_run_files

#: Width of the template's comment lines: an 80-column terminal (``config init -`` prints the
#: template), where a longer comment ends on the next line, outside the comment.
COMMENT_WIDTH = 80

_HEADER = """\
# climann configuration: every key with its default value.
# Delete the keys you leave at their defaults and edit the others. Check the
# file with `climann config show FILE`; train with `climann train --config FILE`
# (flags and --set SECTION.KEY=VALUE override its keys). Unknown keys and bad
# values are refused.
"""


def attribute_descriptions(schema: type) -> dict[str, str]:
    """Each attribute's description from the ``Attributes`` section of a numpydoc docstring.

    An entry ``a, b : int`` documents both ``a`` and ``b``. Inline markup is dropped:
    ````pointwise```` becomes ``pointwise``.

    Parameters
    ----------
    schema : type
        A class whose docstring has an ``Attributes`` section.

    Returns
    -------
    dict of str to str
        Attribute name → its description as one line (empty when an entry has none).
    """
    lines = (inspect.getdoc(schema) or "").splitlines()
    descriptions: dict[str, list[str]] = {}
    names: list[str] = []
    inside = False
    for index, line in enumerate(lines):
        is_heading = index + 1 < len(lines) and set(lines[index + 1]) == {"-"} and line.strip()
        if is_heading:
            inside = line.strip() == "Attributes"
            continue
        if not inside or set(line) == {"-"} or not line.strip():
            continue
        if not line.startswith(" "):
            names = [name.strip() for name in line.partition(":")[0].split(",")]
            for name in names:
                descriptions.setdefault(name, [])
        else:
            for name in names:
                descriptions[name].append(line.strip())
    return {name: _plain_text(" ".join(words)) for name, words in descriptions.items()}


def _plain_text(text: str) -> str:
    """Docstring markup as plain text: roles and double backticks dropped."""
    text = re.sub(r":\w+:`~?([^`]+)`", r"\1", text)
    return text.replace("``", "")


def _comment(text: str) -> list[str]:
    """``text`` as comment lines of :data:`COMMENT_WIDTH` columns at most, wrapped between
    words but never inside a command (``climann train --resume``)."""
    return wrapped_lines(text, COMMENT_WIDTH, initial_indent="# ", subsequent_indent="# ")


def config_template() -> str:
    """The TOML template: every section and key with its default, each key under its
    description as a comment.

    Returns
    -------
    str
        Valid TOML that :func:`climann.workflow.config.build_config` turns into the default
        configuration.
    """
    defaults = config_to_dict(RunConfig())
    lines = [_HEADER.rstrip("\n")]
    for section, schema in SECTIONS.items():
        summary = (inspect.getdoc(schema) or "").splitlines()[:1]
        lines += ["", f"[{section}]", *(_comment(summary[0]) if summary else [])]
        descriptions, previous = attribute_descriptions(schema), None
        for field in dataclasses.fields(schema):
            description = descriptions.get(field.name, "")
            if description != previous:  # keys documented together stay together
                lines += ["", *_comment(description)]
            lines.append(f"{field.name} = {_toml_value(defaults[section][field.name])}")
            previous = description
    return "\n".join(lines) + "\n"


def write_config_template(path: str | Path, *, overwrite: bool = False) -> Path:
    """Write :func:`config_template` to ``path`` atomically.

    Parameters
    ----------
    path : str or Path
    overwrite : bool
        Replace an existing file that climann wrote (a template, or a resolved configuration
        outside a run: :func:`climann.workflow.outputs.written_by_climann`); another file, and
        a run directory's own ``config.toml`` (its record: ``evaluate`` and ``--resume`` read
        it), are never replaced.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ClimannError
        If ``path`` exists and ``overwrite`` is false or climann did not write it, or it
        cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise ClimannError(f"{path} is a directory; give a file name such as {path / 'climann.toml'}")
    refuse_run_files(path, option="config init")  # a run's config.toml is its record, never a template's place
    _refuse_existing_template(path, overwrite=overwrite)
    with claimed_output(path, overwrite=overwrite, what="config file", way_out="choose another FILE"):
        _refuse_existing_template(path, overwrite=overwrite)  # again, now that no other climann writes it
        with atomic_path(path, what="config file") as temporary:
            temporary.write_text(config_template(), encoding="utf-8")
    return path


def _refuse_existing_template(path: Path, *, overwrite: bool) -> None:
    """Refuse an existing ``path`` that is not a template of climann's, or one without ``overwrite``."""
    refuse_existing(path, overwrite=overwrite, what="configuration template",
                    not_ours="a template that `climann config init` wrote (nor a resolved configuration)",
                    same_kind=lambda existing: existing.suffix == ".toml",  # not a report.md of climann's
                    kind="a template that `climann config init` wrote (nor a resolved configuration)")
