"""A self-contained HTML report: the charts embedded (PNG as a data URI) and every table."""

from __future__ import annotations

import base64
from html import escape

from adapters.reports.charts import report_png
from adapters.reports.rows import heading, sections
from core.usage.model import Report
from core.usage.wording import t

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1b1b1b;max-width:80rem}
h1{color:#154273}h2{color:#154273;font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.85rem}th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd}
th{background:#f1f5f9;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%}p.note{color:#555;font-size:.85rem}
"""


def render_html(report: Report, lang: str = "nl") -> str:
    head = heading(report, lang)
    png = base64.b64encode(report_png(report, lang)).decode("ascii")
    out = [f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">',
           f"<title>{escape(head[0])}</title><style>{_STYLE}</style></head><body>",
           f"<h1>{escape(head[0])}</h1>"]
    out += [f'<p class="note">{escape(line)}</p>' for line in head[1:]]
    out.append(f'<img alt="{escape(t(lang, "report.chart_day"))}, {escape(t(lang, "report.chart_type"))}" '
               f'src="data:image/png;base64,{png}">')
    for title, headers, rows in sections(report, lang):
        if not rows:
            continue
        out.append(f"<h2>{escape(title)}</h2><table><thead><tr>")
        out += [f"<th>{escape(h)}</th>" for h in headers]
        out.append("</tr></thead><tbody>")
        for row in rows:
            cells = "".join(
                f'<td class="n">{escape(c)}</td>' if i and c[:1] in "0123456789<-" else f"<td>{escape(c)}</td>"
                for i, c in enumerate(row))
            out.append(f"<tr>{cells}</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
