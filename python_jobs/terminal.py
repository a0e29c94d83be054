"""Output that can be pasted: the CLI never wraps or cuts a command, a path or a name.

- ``console()``: a rich Console that prints every line whole (soft wrap: a line longer than
  the terminal is the terminal's to fold, and copies as one line);
- ``print_rows()``: a table as plain aligned columns, where a rich Table would squeeze its
  cells into a narrow terminal and wrap or cut them (``gold.custo…``);
- ``PasteableGroup``: the CLI's typer group, with plain help (``PasteableHelpFormatter``)
  instead of rich's panels, which cut option names and environment variable names (``--engi…``,
  ``C360_C…``) in a narrow terminal. Words and `backquoted commands` of a help text are
  never broken; the usage line is one line; the commands' list gives each first sentence
  whole.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

# Below this many columns for an option's help beside its name, the help goes under the name.
MIN_HELP_COLUMN = 40
# The narrowest help: even a 20-column terminal gets lines of this length (folded by it).
MIN_HELP_WIDTH = 30
_NBSP = "\xa0"
_CODE = re.compile(r"`[^`]+`")


def console(*, stderr: bool = False) -> Console:
    """A Console whose printed lines are never wrapped or cut (tables still fit the width)."""
    return Console(stderr=stderr, soft_wrap=True)


def print_rows(
    out: Console,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    title: str | None = None,
    right: Iterable[int] = (),
) -> None:
    """``header`` and ``rows`` as columns two spaces apart, indented by two, each line whole;
    the columns numbered in ``right`` are right-aligned. Cells are plain text, not markup."""
    lines = [list(header), *[list(row) for row in rows]]
    widths = [max(len(line[k]) for line in lines) for k in range(len(header))]
    right = set(right)
    if title:
        out.print(title, soft_wrap=True, markup=False, highlight=False)
    for line in lines:
        cells = [
            cell.rjust(width) if k in right else cell.ljust(width)
            for k, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        out.print("  " + "  ".join(cells).rstrip(), soft_wrap=True, markup=False, highlight=False)


def _wrap(text: str, width: int) -> list[str]:
    """``text``'s paragraphs filled to ``width``, never breaking a word or a `code span`."""
    lines: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        glued = _CODE.sub(
            lambda code: code.group().replace(" ", _NBSP), " ".join(paragraph.split())
        )
        if lines:
            lines.append("")
        lines += [
            line.replace(_NBSP, " ")
            for line in textwrap.wrap(
                glued, max(width, 1), break_long_words=False, break_on_hyphens=False
            )
        ]
    return lines


class PasteableHelpFormatter(typer.Context.formatter_class):  # click's, vendored by typer
    """click's help layout, as wide as the terminal, with nothing broken or cut."""

    def __init__(
        self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None
    ) -> None:
        if width is None:
            columns = shutil.get_terminal_size().columns
            width = max(min(columns, max_width or 80) - 2, MIN_HELP_WIDTH)
        super().__init__(indent_increment, width, max_width)

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = "Usage: " if prefix is None else prefix
        self.write(f"{'':>{self.current_indent}}{prefix}{prog} {args}".rstrip() + "\n")

    def write_text(self, text: str) -> None:
        for line in _wrap(text, self.width - self.current_indent):
            self.write(f"{'':>{self.current_indent}}{line}".rstrip() + "\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_col = min(max((len(term) for term, _ in rows), default=0), col_max) + col_spacing
        beside = self.width - self.current_indent - first_col >= MIN_HELP_COLUMN
        indent = self.current_indent + (first_col if beside else 2 * self.indent_increment)
        for term, text in rows:
            lines = _wrap(text, self.width - indent) if text else []
            head = f"{'':>{self.current_indent}}{term}"
            if beside and lines and len(term) <= first_col - col_spacing:
                head = f"{head:<{indent}}{lines.pop(0)}"
            self.write(head + "\n")
            for line in lines:
                self.write(f"{'':>{indent}}{line}".rstrip() + "\n")


class PasteableContext(typer.Context):
    formatter_class = PasteableHelpFormatter


class PasteableGroup(TyperGroup):
    """A typer group whose help, and its commands' help, is PasteableHelpFormatter's: give it
    to the app with plain help, ``typer.Typer(cls=PasteableGroup, rich_markup_mode=None)``."""

    context_class = PasteableContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for command in self.commands.values():
            command.context_class = PasteableContext

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Each command with the first sentence of its help, whole (click cuts it to fit)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
