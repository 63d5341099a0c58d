"""How the book prints a result over seeds: one convention, used by every chapter.

A claim over seeds is printed as ``mean ± sd`` where sd is the **sample** standard deviation
(``ddof = 1``: the spread one would expect of another seed, Bessel-corrected), and a count as
"k of n". The Notation page states the same convention.
"""

import numpy as np


def _values(values):
    x = np.asarray(values, dtype=float).ravel()
    if x.size < 2:
        raise ValueError(f"mean ± sd needs at least 2 values (one per seed), got {x.size}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"mean ± sd needs finite values, got {x[~np.isfinite(x)][:3]}")
    return x


def sd(values):
    """The sample standard deviation over seeds, √(Σ(xᵢ − x̄)²/(n − 1))."""
    return float(np.std(_values(values), ddof=1))


def mean_sd(values, digits=3):
    """``"x̄ ± sd"`` over seeds, both to ``digits`` decimals, sd with ``ddof = 1``."""
    x = _values(values)
    return f"{x.mean():.{digits}f} ± {np.std(x, ddof=1):.{digits}f}"


def k_of_n(flags):
    """``"k of n"``: how many of the seeds' booleans ``flags`` are true."""
    f = np.asarray(flags, dtype=bool).ravel()
    return f"{int(f.sum())} of {f.size}"


def html_table(header, rows, caption="", nowrap=0):
    """An HTML table (an ``IPython.display.HTML``) whose cells wrap to the text column, so a
    wide table never scrolls sideways; every cell is escaped. The first ``nowrap`` columns
    (short labels such as "ok") do not wrap."""
    import html

    from IPython.display import HTML

    keep = ' style="white-space: nowrap"'

    def row(tag, cells):
        return "<tr>" + "".join(f"<{tag}{keep if k < nowrap else ''}>{html.escape(str(x))}</{tag}>"
                                for k, x in enumerate(cells)) + "</tr>"

    top = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    body = "".join(row("td", r) for r in rows)
    return HTML(f'<table class="table">{top}<thead>{row("th", header)}</thead>'
                f"<tbody>{body}</tbody></table>")
