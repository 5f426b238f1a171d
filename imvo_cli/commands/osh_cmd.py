"""`imvo osh-match`: attach Open Supply Hub IDs to a supplier list from an OSH download."""

from __future__ import annotations

from pathlib import Path

import typer

from . import common

MAX_SHOWN = 5  # rejected rows named on stderr; every one is in --out and --format json


def register(app: typer.Typer) -> None:
    @app.command("osh-match")
    @common.handle_errors
    def osh_match(
        file: Path = typer.Argument(..., help="Supplier list (.xlsx .xlsm .xls .ods .csv .tsv)."),
        facilities: Path = typer.Option(..., "--facilities", help="Open Supply Hub facilities download (.csv, or a workbook), fetched beforehand: nothing goes over the network."),
        out: Path | None = typer.Option(None, "--out", "-o", help="Write the matches: .xlsx (Matches, Review, Issues) or .csv."),
        decisions: Path | None = typer.Option(None, "--decisions", help="Reviewed pairs (a_id, b_id, decision = same|different), e.g. last run's --out workbook."),
        osh: Path | None = typer.Option(None, "--osh", help="Also write the list as an Open Supply Hub upload (.csv or .xlsx)."),
        threshold: float | None = typer.Option(None, "--threshold", help="Score (0-1) at or above which a facility is a sure match (default 0.86 or match.threshold)."),
        review_threshold: float | None = typer.Option(None, "--review-threshold", help="Score (0-1) from which candidates go to the Review sheet (default 0.70)."),
        format: str = common.FormatOpt,
        policy: Path | None = common.PolicyOpt,
        sheet: str | None = common.SheetOpt,
        map: list[str] | None = common.MapOpt,
        quiet: bool = common.QuietOpt,
        debug: bool = common.DebugOpt,
    ) -> None:
        """Find each supplier's OS ID in an Open Supply Hub download, with score and evidence.

        Sure matches get the OS ID; uncertain ones go to the Review sheet: fill in its
        decision column (same or different) and pass the workbook back with --decisions.
        Facilities OSH marks as closed are flagged. Exit 0 done, 2 a usage or input error.

        Example: imvo osh-match suppliers.xlsx --facilities osh_facilities.csv --out osh.xlsx
        """
        from ..export.osh_upload import output_kind, write_match_table, write_upload
        from ..ingest import read_suppliers
        from ..model import ImvoError
        from ..osh import match_supplier_list
        from ..policy import load_policy
        from ..report.jsonout import dumps
        from ..report.progress import progress

        common.check_choice(format, ("table", "json"), "--format")
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
        common.output_path_guard(out, guarded)
        common.output_path_guard(osh, guarded)
        pol = load_policy(policy, near=file)
        decided = None
        if decisions is not None:
            from ..match.decisions import read_decisions
            decided = read_decisions(decisions)
        suppliers = read_suppliers(file, sheet=sheet, column_map=common.parse_column_map(map),
                                   policy=pol)
        n = len(suppliers.suppliers)
        with progress(f"matching {n:,} supplier{'' if n == 1 else 's'} against "
                      f"{facilities.name}") as step:
            result = match_supplier_list(
                suppliers, facilities,
                threshold=pol.match_threshold if threshold is None else threshold,
                review_threshold=pol.review_threshold if review_threshold is None else review_threshold,
                decisions=decided, on_progress=lambda label: step(description=label))
        if out is not None:
            result.issues.extend(write_match_table(result, out))
        upload_lines: list[str] = []
        if osh is not None:
            from ..export.osh_upload import upload_messages
            from ..osh.upload import build_upload, supplier_locations

            upload = build_upload(supplier_locations(suppliers))
            upload.issues.extend(write_upload(upload, osh))
            result.issues.extend(upload.issues)
            upload_lines = upload_messages(upload, osh)
        if format == "json":
            typer.echo(dumps(result.to_dict()), nl=False)
        elif not quiet:
            _render(result)
        rejected = len(result.rejected_rows)
        if rejected and (osh is not None or (format == "table" and not quiet)):
            # Those rows are in no match line and, with --osh, in no upload row either.
            rows = "1 row of the list is" if rejected == 1 else f"{rejected:,} rows of the list are"
            common.stderr(f"imvo: {rows} no supplier (no name or country); see the issues (--out, "
                          "--format json, imvo validate)")
            why = [i for i in result.issues if i.severity == "error" and i.row in result.rejected_rows]
            for issue in why[:MAX_SHOWN]:
                common.stderr(f"imvo: error: {issue.location()}: {issue.message}"
                              + (f" ({issue.hint})" if issue.hint else ""))
        if out is not None:
            common.stderr(f"imvo: wrote matches {out}")
        # What the upload left out is always said: OSH would reject those rows.
        for line in upload_lines[1:] if quiet else upload_lines:
            common.stderr(line)
        raise typer.Exit(common.EXIT_OK)


def _render(result) -> None:
    from rich.markup import escape
    from rich.table import Table

    from ..report.console import console

    s = result.summary()
    con = console()
    con.print(f"{s['suppliers']:,} suppliers against {s['download_facilities']:,} facilities "
              f"of {escape(s['download'])}: {s['matched']:,} matched, {s['given']:,} OS IDs "
              f"given, {s['review']:,} to review, {s['none']:,} not found"
              + (f"; {s['closed']} closed" if s["closed"] else "")
              + (f"; {s['decisions_applied']} decisions applied" if s["decisions_applied"] else ""))
    table = Table(title="Matches and candidates", show_lines=False)
    for col in ("Supplier", "Country", "Status", "OS ID", "Score", "Open Supply Hub name"):
        table.add_column(col)
    shown = [m for m in result.matches if m.status in ("matched", "review", "given")][:20]
    for m in shown:
        table.add_row(escape(m.name), m.country or "", m.status + (" (closed)" if m.closed and m.os_id else ""),
                      m.os_id or m.candidate_id or "", "" if m.score is None else f"{m.score:.2f}",
                      escape(m.osh_name or ""))
    if shown:
        con.print(table)
    for issue in [i for i in result.issues if i.code in ("osh-closed", "osh-id-not-in-download")][:10]:
        common.stderr(f"imvo: warning: {issue.location()}: {issue.message}")
