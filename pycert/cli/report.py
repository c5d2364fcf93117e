"""`pycert report`: the fleet view."""

from __future__ import annotations

import click

from pycert.cli.context import as_of_option, parse_as_of
from pycert.cli.root import cli


@cli.command("report")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--html", "html_path", metavar="FILE", help="Write a self-contained HTML page (works offline).")
@click.option("--csv", "csv_path", metavar="FILE", help="Write one row per device and certificate, fewest days left first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--lang", type=click.Choice(["ja", "en"]), default=None,
              help="Language of the table and HTML (default: the global `pycert --lang` when given, else ja: "
                   "the report is for a Japanese IT manager whatever the admin PC's language).")
@click.option("--json", "json_path", metavar="FILE", help="Also write the report's JSON (with one entry per device) to FILE.")
@click.option("--clinics", "clinics_path", metavar="FILE",
              help="CSV mapping 医療機関コード or device-name patterns to clinic and maintainer (docs/ja/report.md).")
@click.option("--since", "since_path", metavar="FILE", help="A previous report's JSON: show what got better and worse.")
@as_of_option
@click.pass_context
def report_command(ctx: click.Context, inputs: tuple[str, ...], html_path: str | None, csv_path: str | None, fmt: str,
                   lang: str | None,
                   json_path: str | None, clinics_path: str | None, since_path: str | None, as_of: str | None) -> None:
    """Fleet view from Intune export CSVs, --result-file folders and JSON lines.

    Unreadable rows are counted and listed, never fatal; a device that reported several
    times counts once (the newest report wins).
    """
    from pycert import report

    lang = lang or ctx.find_root().params.get("lang") or "ja"
    click.echo(report.run(list(inputs), parse_as_of(as_of), fmt, lang, html_path, csv_path, clinics_path=clinics_path,
                          since_path=since_path, json_path=json_path))
