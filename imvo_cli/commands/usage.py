"""The command line's own words: usage lines that name FILE and PATHS..., the parser's
errors (a wrong option, a missing argument) and --help in the command's language.

typer and click write those errors in English before any command runs, so the language is
read from the command line itself (--lang, wherever it stands), else IMVO_LANG, else the
[report] lang of the imvo.toml the command would read. English output is typer's own.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import typer
from typer.core import TyperCommand, TyperGroup

from . import help_texts

try:  # typer 0.20+ carries its own copy of click
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - a typer built on click
    from click import get_current_context  # type: ignore[no-redef]
    from click.exceptions import NoArgsIsHelpError, UsageError  # type: ignore[no-redef]

ENV_LANG = "IMVO_LANG"
# As i18n.LANGS and policy.POLICY_FILENAME, which are not imported here: this module loads
# with every command line, `imvo --help` included, and those packages take time to load.
LANGS = ("en", "nl")
_META_ARGS = "imvo.command_line"  # where a context keeps its command line, as given
_META_LANG = "imvo.command_line_lang"  # ... and the language it asks for, once worked out
POLICY_FILENAME = "imvo.toml"
# What a list can be (as check.SPREADSHEET_EXTS): a missing one still names its folder.
LIST_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv")


# ---- the language of a command line ---------------------------------------------------------

def _option_values(args: Sequence[str], name: str) -> list[str]:
    """Every value given to `name` (`--lang nl`, `--lang=nl`), in order, up to a `--`."""
    values = []
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == name and i + 1 < len(args):
            values.append(args[i + 1])
        elif arg.startswith(name + "="):
            values.append(arg[len(name) + 1:])
    return values


def _known(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value if value in LANGS else None


def _policy_lang(path: Path) -> str | None:
    """[report] lang of a policy file; None when it has none or cannot be read (the command
    itself reports a broken policy)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    report = data.get("report")
    return _known(report.get("lang")) if isinstance(report, dict) else None


def _policy_near(args: Sequence[str]) -> Path | None:
    """The imvo.toml a command line would read: --policy, else beside its first existing
    input, else (a list from stdin, or no input yet) in the current folder."""
    given = _option_values(args, "--policy")
    if given:
        return Path(given[-1])
    for arg in args:
        if arg == "--" or arg.startswith("-"):
            continue
        path = Path(arg)
        try:
            if path.exists():
                folder = path if path.is_dir() else path.parent
                return folder / POLICY_FILENAME
            if path.suffix.lower() in LIST_SUFFIXES and path.parent.is_dir():
                return path.parent / POLICY_FILENAME  # a list not found: its folder's policy
        except (OSError, ValueError):  # a name too long or with a NUL byte
            continue
    return Path.cwd() / POLICY_FILENAME


def command_line_lang(args: Sequence[str], environ: Any = None) -> str:
    """The language a command line asks for, read before it is parsed: the last valid
    --lang, else IMVO_LANG, else [report] lang of its imvo.toml, else English."""
    environ = os.environ if environ is None else environ
    for value in reversed(_option_values(args, "--lang")):
        if _known(value):
            return _known(value) or "en"
    from_env = _known(environ.get(ENV_LANG))
    if from_env:
        return from_env
    policy = _policy_near(args)
    return (_policy_lang(policy) if policy is not None and policy.is_file() else None) or "en"


def context_lang() -> str | None:
    """The language the running command's line asks for (see command_line_lang), None
    outside a command: for an error raised before the command knows its own."""
    ctx = get_current_context(silent=True)
    return _lang_of(ctx) if ctx is not None and _META_ARGS in ctx.meta else None


def help_lang(ctx: Any) -> str:
    """The language of a help page: its command line's; English for a command shown
    outside the imvo group (no command line to read it from)."""
    return _lang_of(ctx) if _META_ARGS in ctx.meta else "en"


def _lang_of(ctx: Any) -> str:
    """The language of a context's command line, worked out once, when it is first needed
    (a command that goes well reads no imvo.toml for it)."""
    if _META_LANG not in ctx.meta:
        ctx.meta[_META_LANG] = command_line_lang(ctx.meta.get(_META_ARGS, []))
    return ctx.meta[_META_LANG]


# ---- usage lines ----------------------------------------------------------------------------

def argument_name(param: Any) -> str:
    """An argument's name on the usage line and in --help: FILE, PATHS..."""
    name = param.metavar or (param.name or "").upper()
    return name + "..." if param.nargs != 1 else name


def argument_usage(param: Any) -> str:
    """An argument as a usage line shows it: FILE, PATHS..., [OUT] (optional)."""
    name = argument_name(param)
    return name if param.required else f"[{name}]"


def usage_pieces(command: Any, ctx: Any) -> list[str]:
    """What follows the command's name on its usage line: [OPTIONS], the arguments, and
    COMMAND [ARGS]... for a group."""
    pieces = [command.options_metavar] if command.options_metavar else []
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            pieces.append(argument_usage(param))
        else:
            pieces.extend(param.get_usage_pieces(ctx))
    subcommands = getattr(command, "subcommand_metavar", None)
    if subcommands:
        pieces.append(subcommands)
    return pieces


def write_said_usage(ctx: Any, formatter: Any, lang: str) -> None:
    """The usage line of a context's command in `lang` ("Gebruik: imvo map [OPTIES] BESTAND")."""
    from ..i18n import t  # deferred: start-up
    from ..i18n.messages import metavar  # deferred: start-up

    formatter.write_usage(ctx.command_path, metavar(" ".join(usage_pieces(ctx.command, ctx)), lang),
                          prefix=t("usage.usage", lang) + " ")


def said_usage(ctx: Any, lang: str) -> str:
    """The usage line alone, as an error shows it above its message."""
    formatter = ctx.make_formatter()
    write_said_usage(ctx, formatter, lang)
    return formatter.getvalue().rstrip("\n")


def _with_arguments_named(command: Any) -> None:
    # The name an error gives an argument ("Missing argument 'FILE'.") is its metavar.
    for param in command.params:
        if param.param_type_name == "argument" and param.metavar is None and param.name:
            param.metavar = param.name.upper()


def _format_parameters(command: Any, ctx: Any, formatter: Any, lang: str | None = None) -> None:
    """The Arguments and Options sections of --help; an argument named as on the usage line.
    With `lang`, said in it from the catalogue; without, typer's English as it is."""
    arguments, options = [], []
    key = _help_key(command)
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        if lang is not None:
            record = help_texts.said_record(record, param, key, lang)
        if param.param_type_name == "argument":
            name = argument_name(param)
            if lang is not None:
                from ..i18n.messages import metavar  # deferred: start-up

                name = metavar(name, lang)
            arguments.append((name, record[1]))
        else:
            options.append(record)
    for title, rows in (("Arguments", arguments), ("Options", options)):
        if rows:
            with formatter.section(title if lang is None else
                                   help_texts.section_title(title.lower(), lang)):
                formatter.write_dl(rows)


def _help_key(command: Any) -> str:
    """The name a command's help texts stand under in the catalogue (help.param.map.tree)."""
    return help_texts.GROUP if isinstance(command, TyperGroup) else command.name or ""


def _format_commands(group: Any, ctx: Any, formatter: Any, lang: str) -> None:
    """The Commands section of a group's --help in `lang`, laid out as typer does it."""
    commands = [(name, cmd) for name in group.list_commands(ctx)
                if (cmd := group.get_command(ctx, name)) is not None and not cmd.hidden]
    if not commands:
        return
    limit = formatter.width - 6 - max(len(name) for name, _ in commands)
    with formatter.section(help_texts.section_title("commands", lang)):
        formatter.write_dl([(name, help_texts.short_help(cmd, _help_key(cmd), limit, lang))
                            for name, cmd in commands])


def write_said_help(command: Any, ctx: Any, formatter: Any, lang: str) -> None:
    """A command's whole --help in `lang`: usage line, text, arguments, options (and, for a
    group, its commands), in typer's layout. Choices and option names stay as they are."""
    write_said_usage(ctx, formatter, lang)
    text = help_texts.command_text(command, _help_key(command), lang)
    if text:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(text)
    _format_parameters(command, ctx, formatter, lang)
    if isinstance(command, TyperGroup):
        _format_commands(command, ctx, formatter, lang)
    command.format_epilog(ctx, formatter)


class ImvoCommand(TyperCommand):
    """A command whose usage line and help name its arguments FILE, PATHS..."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_arguments_named(self)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return usage_pieces(self, ctx)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        _format_parameters(self, ctx, formatter)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        lang = help_lang(ctx)
        if lang == "en":
            return super().format_help(ctx, formatter)
        return write_said_help(self, ctx, formatter, lang)


# ---- the parser's errors --------------------------------------------------------------------

class SaidUsageError(UsageError):
    """A usage error of the parser, said in another language; same exit code (2)."""

    def __init__(self, error: Any, lang: str) -> None:
        super().__init__(error.format_message(), error.ctx)
        self.error, self.lang = error, lang
        self.exit_code = error.exit_code

    def format_message(self) -> str:
        from ..i18n.messages import usage_message  # deferred: start-up

        return usage_message(self.error.format_message(), self.lang)

    def show(self, file: IO[Any] | None = None) -> None:
        from ..i18n import t  # deferred: start-up
        from ..textsafe import terminal  # deferred: start-up

        out = file if file is not None else sys.stderr
        ctx = self.ctx
        if ctx is not None:
            lines = [said_usage(ctx, self.lang)]
            if ctx.command.get_help_option(ctx) is not None:
                lines.append(t("usage.try_help", self.lang, command=ctx.command_path,
                               option=ctx.help_option_names[0]))
            typer.echo("\n".join(lines) + "\n", file=out)
        # The user's own text in it (a mistyped option) cannot send escapes; lines stay lines.
        message = "\n".join(terminal(line) for line in self.format_message().split("\n"))
        typer.echo(f"{t('usage.error', self.lang)} {message}", file=out)


def said(error: Exception, lang: str) -> Exception:
    """A usage error said in `lang` (English, a help page or an error already said: as it is)."""
    if lang == "en" or not isinstance(error, UsageError) or \
            isinstance(error, NoArgsIsHelpError | SaidUsageError):
        return error
    return SaidUsageError(error, lang)


def group_help_line(args: list[str], help_names: Sequence[str]) -> list[str]:
    """A line that asks for the group's own help in a language (`imvo --help --lang nl`):
    without its --lang, which only the commands take; any other line as it is."""
    rest: list[str] = []
    value_next = False
    for arg in args:
        if value_next:
            value_next = False
        elif arg == "--lang":
            value_next = True
        elif not arg.startswith("--lang="):
            rest.append(arg)
    if len(rest) < len(args) and all(arg.startswith("-") and arg != "--" for arg in rest) \
            and any(arg in help_names for arg in rest):
        return rest
    return args


class ImvoGroup(TyperGroup):
    """The `imvo` command group: the parser's errors and --help in the language of the
    command line."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        given = list(args)  # before parsing, which consumes the list
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as error:
            converted = said(error, command_line_lang(given))
            if converted is error:
                raise
            raise converted from error

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # Kept before parsing: --help is drawn while the line is parsed (an eager option).
        ctx.meta[_META_ARGS] = list(args)
        return super().parse_args(ctx, group_help_line(args, ctx.help_option_names))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        lang = help_lang(ctx)
        if lang == "en":
            return super().format_help(ctx, formatter)
        return write_said_help(self, ctx, formatter, lang)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            converted = said(error, _lang_of(ctx))
            if converted is error:
                raise
            raise converted from error


def use_imvo_commands(app: typer.Typer) -> None:
    """Every command of `app` built as an ImvoCommand (usage lines with FILE, PATHS...)."""
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = ImvoCommand
