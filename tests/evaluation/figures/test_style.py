"""Tests for climann/evaluation/figures/style.py: the shared pieces of every figure."""

import struct
import subprocess
import sys
import zlib

import matplotlib.pyplot as plt
import pytest

from climann import __version__
from climann.evaluation.figures.style import _one_number_notation, _period, _save, is_marked_figure
from tests.conftest import write_user_image


@pytest.mark.parametrize(
    ("years", "text"),
    [
        pytest.param([1997, 1997, 1997], "1997", id="one-year"),
        pytest.param([1997, 1998, 1999], "1997–1999", id="consecutive"),
        pytest.param([1997.0, 1997.5, 1998.99], "1997–1998", id="decimal-years"),
        pytest.param([1997, 1997, 1999, 1999], "1997–1999, every 2nd year", id="every-2nd"),
        pytest.param([2014, 2017], "2014–2017, every 3rd year", id="every-3rd"),
        pytest.param([2000, 2011, 2022], "2000–2022, every 11th year", id="every-11th"),
        pytest.param([2000, 2021], "2000–2021, every 21st year", id="every-21st"),
        pytest.param([1990, 1991, 1995], "1990–1995", id="uneven-gaps"),
        pytest.param([], "no time steps", id="none"),
    ],
)
def test_a_period_names_its_first_and_last_year_and_a_stride_of_years(years, text):
    """A run's test maps of every n-th test year say so in their titles."""
    assert _period(years) == text


def _png_text_chunks(path) -> dict[str, str]:
    """The tEXt and zTXt chunks of a PNG, read by hand from its bytes (PNG 1.2, sections
    4.2.3.1–2: length, type, keyword NUL [method] text, CRC)."""
    data, chunks, offset = path.read_bytes(), {}, 8
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    while offset < len(data):
        (length,), kind = struct.unpack(">I", data[offset:offset + 4]), data[offset + 4:offset + 8]
        body = data[offset + 8:offset + 8 + length]
        if kind == b"tEXt":
            keyword, text = body.split(b"\0", 1)
            chunks[keyword.decode("latin-1")] = text.decode("latin-1")
        elif kind == b"zTXt":
            keyword, packed = body.split(b"\0", 1)
            chunks[keyword.decode("latin-1")] = zlib.decompress(packed[1:]).decode("latin-1")
        offset += 12 + length
    return chunks


def test_every_figure_is_saved_with_climanns_mark(tmp_path):
    """The one save of every figure writes "Software: climann <version>" into the PNG, in
    place of matplotlib's own name, so that --overwrite can tell climann's figures apart."""
    figure, axis = plt.subplots()
    axis.plot([0, 1], [0, 1])
    path = _save(figure, tmp_path / "figure.png", dpi=20)
    assert _png_text_chunks(path)["Software"] == f"climann {__version__}"
    assert is_marked_figure(path)


@pytest.mark.parametrize("facecolor", [
    pytest.param("white", id="opaque"),
    pytest.param((1.0, 1.0, 1.0, 0.5), id="half-transparent"),
])
def test_a_figure_is_saved_with_the_pixels_and_resolution_savefig_gives_it(tmp_path, facecolor):
    """_save draws the figure once and writes its canvas (RGB when every pixel is opaque): the
    same pixels, size and resolution as matplotlib's savefig, transparency kept where there is some."""
    import numpy as np
    from PIL import Image

    def figure():
        drawn, axis = plt.subplots(figsize=(2.5, 1.8), layout="constrained", facecolor=facecolor)
        axis.plot([0, 1, 4], [3, 0, 2], label="line")
        axis.set_title("a title")
        axis.legend()
        return drawn

    ours = _save(figure(), tmp_path / "ours.png", dpi=57)
    theirs = figure()
    _one_number_notation(theirs)  # what _save does to the axes before it draws
    theirs.savefig(tmp_path / "theirs.png", dpi=57, format="png")
    plt.close(theirs)
    with Image.open(ours) as saved, Image.open(tmp_path / "theirs.png") as reference:
        assert saved.mode == ("RGB" if facecolor == "white" else "RGBA")
        assert saved.size == reference.size and saved.info["dpi"] == pytest.approx(reference.info["dpi"])
        np.testing.assert_array_equal(np.asarray(saved.convert("RGBA")), np.asarray(reference.convert("RGBA")))


@pytest.mark.parametrize("kind", [
    pytest.param("matplotlib", id="a-users-matplotlib-figure"),
    pytest.param("pil", id="a-png-without-text"),
    pytest.param("jpeg", id="a-jpeg-named-png"),
])
def test_an_image_climann_did_not_save_carries_no_mark(tmp_path, kind):
    path = tmp_path / "figure.png"
    write_user_image(path, kind)
    if kind != "jpeg":
        assert not _png_text_chunks(path).get("Software", "").startswith("climann")
    assert not is_marked_figure(path)


@pytest.mark.parametrize("content", [
    pytest.param(b"", id="empty"),
    pytest.param(b"\x89PNG\r\n\x1a\n truncated", id="truncated"),
    pytest.param(b"Software: climann 0.1.0", id="text-with-the-words"),
])
def test_a_file_that_is_no_readable_png_is_not_marked(tmp_path, content):
    path = tmp_path / "figure.png"
    path.write_bytes(content)
    assert not is_marked_figure(path)


def test_numbers_on_axes_and_colour_bars_share_one_power_of_ten(tmp_path):
    """A precipitation flux (1e-4 kg m-2 s-1) had tick labels 0.00000 0.00002 … that ran together on the
    scatter, while its maps' colour bars used 0.000025 or a 1e-5 offset: three notations in one run."""
    import numpy as np

    drawn, (field, line) = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
    colour_bar = drawn.colorbar(field.pcolormesh(np.linspace(0, 1.4e-4, 12).reshape(3, 4)), ax=field)
    line.plot([0, 1.4e-4], [0, 20_000])
    _save(drawn, tmp_path / "small.png", dpi=50)
    for ticks, power in ((line.xaxis, "10^{−4}"), (colour_bar.ax.yaxis, "10^{−4}"), (line.yaxis, "10^{4}"),
                         (field.xaxis, None)):
        formatter = ticks.get_major_formatter()
        labels = formatter.format_ticks(list(ticks.get_majorticklocs()))
        assert (power in formatter.get_offset()) if power else formatter.get_offset() == ""
        assert all(len(label.replace("$\\mathdefault{", "").rstrip("}$").lstrip("−")) <= 3 for label in labels), labels


def test_only_the_power_of_ten_is_mathtext_and_the_tick_labels_are_its_numbers(tmp_path):
    """Every tick label as mathtext (``$\\mathdefault{0.5}$``) had each parsed by pyparsing (0.8 of
    6.1 CPU s of a profiled redraw of 8 figures): the labels are plain text with the digits
    matplotlib's mathtext formatter gives, and the power of ten (a superscript) stays mathtext."""
    import numpy as np
    from matplotlib.cbook import strip_math
    from matplotlib.ticker import ScalarFormatter

    drawn, (field, line) = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
    colour_bar = drawn.colorbar(field.pcolormesh(np.linspace(-1.4e-4, 1.4e-4, 12).reshape(3, 4)), ax=field)
    line.plot([0.5, 2.5], [-3.0, 4.0])
    _save(drawn, tmp_path / "small.png", dpi=50)
    for ticks, power in ((colour_bar.ax.yaxis, "$\\times\\mathdefault{10^{−4}}\\mathdefault{}$"),
                         (line.xaxis, ""), (line.yaxis, "")):
        locations = list(ticks.get_majorticklocs())
        reference = ScalarFormatter(useMathText=True)
        reference.set_powerlimits((-3, 4))
        reference.set_axis(ticks)
        expected = [strip_math(label) for label in reference.format_ticks(locations)]
        formatter = ticks.get_major_formatter()
        labels = formatter.format_ticks(locations)
        assert labels == expected and not any("$" in label for label in labels), labels
        assert any("−" in label for label in labels) or ticks is line.xaxis  # the minus sign kept
        assert formatter.get_offset() == power


def test_drawing_a_figure_leaves_the_backend_a_script_chose(tmp_path):
    """climann draws on its own Agg canvas: a notebook's or script's pyplot backend stays as it was
    (the import of the figure modules once switched it to Agg), and no figure is left open in pyplot."""
    code = ("import matplotlib\nmatplotlib.use('svg')\nimport matplotlib.pyplot as plt\n"
            "from climann.evaluation.figures.plots import plot_learning_curves\n"
            f"path = plot_learning_curves([2.0, 1.0], [2.5, 1.5], loss_name='mse', path={str(tmp_path / 'j.png')!r}, dpi=20)\n"
            "print(matplotlib.get_backend(), plt.get_fignums(), path.stat().st_size > 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "svg [] True", result.stdout + result.stderr
