"""`imvo osh-match`: attach Open Supply Hub IDs to a supplier list from an OSH download."""

from __future__ import annotations

from pathlib import Path

import typer

from . import common
from .options import Lang, LangOpt, TableOrJson, plain

MAX_SHOWN = 5  # rejected rows named on stderr (all with --verbose); all in --export and --format json
MATCHES_SHOWN = 20  # matches in the console table (all with --verbose)
WARNINGS_SHOWN = 10  # closed / unknown OS ID warnings on stderr (all with --verbose)


def register(app: typer.Typer) -> None:
    @app.command("osh-match")
    @common.handle_errors
    def osh_match(
        file: Path = typer.Argument(..., help="Supplier list (.xlsx .xlsm .xls .ods .csv .tsv)."),
        facilities: Path = typer.Option(..., "--facilities", help="Open Supply Hub facilities download (.csv, or a workbook), fetched beforehand: nothing goes over the network."),
        export: Path | None = typer.Option(None, "--export", help="Write the matches: .xlsx (Matches, Review, Issues) or .csv."),
        out: Path | None = typer.Option(None, "--out", hidden=True, help="Old spelling of --export."),
        decisions: Path | None = typer.Option(None, "--decisions", help="Reviewed pairs (a_id, b_id, decision = same|different), e.g. last run's --export workbook."),
        osh: Path | None = typer.Option(None, "--osh", help="Also write the list as an Open Supply Hub upload (.csv or .xlsx)."),
        threshold: float | None = typer.Option(None, "--threshold", help="Score (0-1) at or above which a facility is a sure match (default 0.86 or match.threshold)."),
        review_threshold: float | None = typer.Option(None, "--review-threshold", help="Score (0-1) from which candidates go to the Review sheet (default 0.70)."),
        format: TableOrJson = common.FormatOpt,
        output: Path | None = common.OutputOpt,
        policy: Path | None = common.PolicyOpt,
        sheet: str | None = common.SheetOpt,
        map: list[str] | None = common.MapOpt,
        lang: Lang | None = LangOpt,
        quiet: bool = common.QuietOpt,
        verbose: bool = common.VerboseOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Find each supplier's OS ID in an Open Supply Hub download, with score and evidence.

        Sure matches get the OS ID; uncertain ones go to the Review sheet: fill in its
        decision column (same or different) and pass the workbook back with --decisions.
        Facilities OSH marks as closed are flagged. Exit 0 done, 2 a usage or input error.

        Example: imvo osh-match suppliers.xlsx --facilities osh_facilities.csv --export osh.xlsx
        """
        from ..export.osh_upload import output_kind, write_match_table, write_upload  # deferred: start-up
        from ..i18n import number, t, tn  # deferred: start-up
        from ..i18n.messages import issue_line, progress_label  # deferred: start-up
        from ..ingest import read_suppliers  # deferred: start-up
        from ..model import ImvoError  # deferred: start-up
        from ..osh import match_supplier_list  # deferred: start-up
        from ..policy import load_policy  # deferred: start-up
        from ..report.jsonout import dumps  # deferred: start-up
        from ..report.progress import progress  # deferred: start-up

        out = common.pick_alias(export, out, "--out", "--export")
        report_file = common.file_output(output)
        if report_file is not None and report_file.suffix.lower() in (".xlsx", ".csv"):
            raise ImvoError("--output is the --format report (text); the matches table is --export",
                            file=report_file, code="usage", hint="for example --export osh.xlsx")
        for name, value in (("--threshold", threshold), ("--review-threshold", review_threshold)):
            if value is not None and not 0 <= value <= 1:
                raise ImvoError(f"{name} must be between 0 and 1, got {value}", code="usage")
        for target in (out, osh):
            if target is not None:
                output_kind(target)
        if not file.exists():
            raise ImvoError("file not found", file=file, code="file-not-found",
                            hint="check the path and the file name")
        guarded = [p for p in (file, facilities, decisions) if p is not None]
        common.guard_outputs([out, osh, report_file], guarded)
        pol = load_policy(policy, near=file)
        language = common.resolve_language(plain(lang), pol)
        decided = None
        if decisions is not None:
            from ..match.decisions import read_decisions  # deferred: start-up

            decided = read_decisions(decisions)
        suppliers = read_suppliers(file, sheet=sheet, column_map=common.parse_column_map(map),
                                   policy=pol)
        n = len(suppliers.suppliers)
        with progress(t("cli_osh.progress", language, suppliers=tn("supplier", n, language),
                        download=facilities.name)) as step:
            result = match_supplier_list(
                suppliers, facilities,
                threshold=pol.match_threshold if threshold is None else threshold,
                review_threshold=pol.review_threshold if review_threshold is None else review_threshold,
                decisions=decided,
                on_progress=lambda label: step(description=progress_label(label, language)))
        if out is not None:
            result.issues.extend(write_match_table(result, out, language))
        upload_lines: list[str] = []
        if osh is not None:
            from ..export.osh_upload import upload_messages  # deferred: start-up
            from ..osh.upload import build_upload, supplier_locations  # deferred: start-up

            upload = build_upload(supplier_locations(suppliers))
            upload.issues.extend(write_upload(upload, osh))
            result.issues.extend(upload.issues)
            upload_lines = upload_messages(upload, osh, language)
        if format == TableOrJson.json:
            common.emit(output, lambda: typer.echo(dumps(result.to_dict()), nl=False))
        elif not (quiet and report_file is None):
            common.emit(output, lambda: _render(result, language, verbose))
        rejected = len(result.rejected_rows)
        if rejected and (osh is not None or (format == TableOrJson.table and not quiet)):
            # Those rows are in no match line and, with --osh, in no upload row either.
            key = "cli_osh.rejected_one" if rejected == 1 else "cli_osh.rejected_other"
            common.stderr(t(key, language, n=number(rejected, language)))
            why = [i for i in result.issues if i.severity == "error" and i.row in result.rejected_rows]
            for issue in why[:None if verbose else MAX_SHOWN]:
                common.stderr(f"{common.error_prefix(language)} {issue_line(issue, language)}")
        if not quiet:
            for what, path in (("matches", out), ("report", report_file)):
                if path is not None:
                    common.stderr(t("check.wrote", language, what=t(f"cli_osh.{what}", language),
                                    path=path))
        for issue in [] if quiet else _warnings(result)[:None if verbose else WARNINGS_SHOWN]:
            common.stderr(f"{t('stderr.warning', language)} {issue_line(issue, language, hint=False)}")
        # What the upload left out is always said: OSH would reject those rows.
        for line in upload_lines[1:] if quiet else upload_lines:
            common.stderr(line)
        raise typer.Exit(common.EXIT_OK)


def _warnings(result) -> list:
    """Closed facilities and OS IDs the download does not hold: said on stderr."""
    return [i for i in result.issues if i.code in ("osh-closed", "osh-id-not-in-download")]


def _render(result, lang: str = "en", verbose: bool = False) -> None:
    """The counts (one line) and the first matches and candidates on stdout."""
    from rich.markup import escape  # deferred: start-up
    from rich.table import Table  # deferred: start-up

    from ..i18n import label, number, t, tn  # deferred: start-up
    from ..report.console import console  # deferred: start-up

    s = result.summary()
    con = console()
    line = t("cli_osh.summary", lang, suppliers=tn("supplier", s["suppliers"], lang),
             facilities=number(s["download_facilities"], lang), download=s["download"],
             matched=number(s["matched"], lang), given=number(s["given"], lang),
             review=number(s["review"], lang), none=number(s["none"], lang))
    if s["closed"]:
        line += t("cli_osh.closed", lang, n=number(s["closed"], lang))
    if s["decisions_applied"]:
        line += "; " + tn("decision", s["decisions_applied"], lang)
    con.print(escape(line), soft_wrap=True)
    table = Table(title=t("cli_osh.title", lang), show_lines=False)
    for col in ("supplier", "country", "status", "os_id", "score", "osh_name"):
        table.add_column(t(f"cli_osh.col_{col}", lang))
    shown = [m for m in result.matches if m.status in ("matched", "review", "given")]
    for m in shown[:None if verbose else MATCHES_SHOWN]:
        status = label("cli_osh_status", m.status, lang)
        if m.closed and m.os_id:
            status += t("cli_osh.status_closed", lang)
        table.add_row(escape(m.name), m.country or "", escape(status),
                      m.os_id or m.candidate_id or "", "" if m.score is None else f"{m.score:.2f}",
                      escape(m.osh_name or ""))
    if shown:
        con.print(table)
