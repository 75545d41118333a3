"""``sfc blueprint``: validate blueprints and run them locally."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import msgspec
import typer

from sfc.cli.client import ConfigOption, KeyOption, TokenOption, UrlOption, connect, fail, run
from sfc.cli.client import segment as _segment
from sfc.core.blueprint import compile_blueprint
from sfc.core.types import Json
from sfc.core.validation import InvalidBlueprintError, Problem, validate_text
from sfc.errors import InputError, SfcError
from sfc.runner import LocalRunner, resolve_task_functions

app = typer.Typer(
    help="Validate blueprints and run them locally; deploy and manage them on a gateway.",
    no_args_is_help=True,
)


@app.command("validate")
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Blueprint files (ASL JSON).")],
    output: Annotated[
        str, typer.Option("--format", help="text, or json (one object per file)")
    ] = "text",
) -> None:
    """Check blueprints; print each problem with its JSON pointer. Exit 1 if any is invalid."""
    invalid = False
    for file in files:
        problems = _problems_of(file)
        invalid = invalid or bool(problems)
        if output == "json":
            typer.echo(msgspec.json.encode({"file": str(file), "problems": problems}).decode())
        elif problems:
            for problem in problems:
                typer.echo(f"{file}: {problem.pointer or '/'}: {problem.message} [{problem.code}]")
        else:
            typer.echo(f"{file}: valid")
    raise typer.Exit(1 if invalid else 0)


def _problems_of(file: Path) -> list[Problem]:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem("", "unreadable", f"cannot read {file}: {exc}")]
    problems = validate_text(text)
    if problems:
        return problems
    try:
        compile_blueprint(msgspec.json.decode(text), file.stem)
    except InvalidBlueprintError as exc:
        return list(exc.problems)  # valid ASL that SFC cannot run (code "unsupported")
    return []


@app.command("exec")
def exec_command(
    file: Annotated[Path, typer.Argument(help="The blueprint (ASL JSON).")],
    input_: Annotated[
        str, typer.Option("--input", "-i", help="The flow's input: JSON, or @FILE.")
    ] = "{}",
    fast_timers: Annotated[
        bool, typer.Option("--fast-timers", help="Run Wait states and back-off on a virtual clock.")
    ] = False,
    tasks: Annotated[
        list[str] | None,
        typer.Option("--task", help="NAME=module:function for a Task (by state name or resource)."),
    ] = None,
) -> None:
    """Run a flow in-process and print its outcome as one JSON object.

    Prints {"status", "output", "error", "cause"} and exits 0 whenever the flow ran,
    whatever its outcome; exits 1 with a message on stderr when the blueprint or the
    input is invalid.
    """
    sys.path.insert(0, str(Path.cwd()))
    try:
        definition = _load_definition(file)
        flow_input = _load_input(input_)
        blueprint = compile_blueprint(definition, file.stem)
        runner = LocalRunner(
            blueprint, resolve_task_functions(tasks or ()), fast_timers=fast_timers
        )
    except SfcError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    result = runner.run(flow_input)
    typer.echo(msgspec.json.encode(result).decode())


def _load_definition(file: Path) -> Json:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read blueprint {file}: {exc}", field="FILE") from exc
    problems = validate_text(text)
    if problems:
        lines = "\n".join(f"  {p.pointer or '/'}: {p.message} [{p.code}]" for p in problems)
        raise InputError(f"{file} is not a valid blueprint:\n{lines}", field="FILE")
    return msgspec.json.decode(text)


def _load_input(text: str) -> Json:
    source = "--input"
    if text.startswith("@"):
        path = Path(text[1:])
        source = f"--input file {path}"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {source}: {exc}", field="input") from exc
    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise InputError(f"{source} is not valid JSON: {exc}", field="input") from exc


NameArgument = Annotated[str, typer.Argument(help="The blueprint's name.")]


@app.command("deploy")
def deploy_command(
    file: Annotated[Path, typer.Argument(help="The blueprint (ASL JSON).")],
    name: Annotated[
        str | None, typer.Option("--name", help="Blueprint name [default: the file's stem].")
    ] = None,
    comment: Annotated[str | None, typer.Option("--comment", help="Why this version.")] = None,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """Deploy a blueprint as its next version; print {"name", "version"}.

    The gateway validates it: problems are printed on stderr with their JSON pointers.
    """
    try:
        text = file.read_text(encoding="utf-8")
        definition = msgspec.json.decode(text)
    except (OSError, UnicodeDecodeError, msgspec.DecodeError) as exc:
        fail(InputError(f"cannot read blueprint {file}: {exc}", field="FILE"))
    body: dict[str, Json] = {"name": name or file.stem, "definition": definition}
    if comment is not None:
        body["comment"] = comment
    run(connect(url, token, config), "POST", "/api/v1/blueprints", body=body)


@app.command("list")
def list_command(
    url: UrlOption = None, token: TokenOption = None, config: ConfigOption = None
) -> None:
    """List the blueprints deployed, with their latest version and whether enabled."""
    run(connect(url, token, config), "GET", "/api/v1/blueprints")


@app.command("versions")
def versions_command(
    name: NameArgument,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """List a blueprint's versions, oldest first."""
    run(connect(url, token, config), "GET", f"/api/v1/blueprints/{_segment(name)}/versions")


@app.command("diff")
def diff_command(
    name: NameArgument,
    old: Annotated[int, typer.Argument(min=1, help="The older version.")],
    new: Annotated[int, typer.Argument(min=1, help="The newer version.")],
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
) -> None:
    """Compare two versions: a unified diff and the states added, removed or changed."""
    params = {"from": str(old), "to": str(new)}
    path = f"/api/v1/blueprints/{_segment(name)}/diff"
    run(connect(url, token, config), "GET", path, params=params)


def _blueprint_action(action: str, summary: str) -> None:
    def command(
        name: NameArgument,
        key: KeyOption = None,
        url: UrlOption = None,
        token: TokenOption = None,
        config: ConfigOption = None,
    ) -> None:
        path = f"/api/v1/blueprints/{_segment(name)}/{action}"
        run(connect(url, token, config), "POST", path, idempotency_key=key)

    command.__doc__ = summary
    app.command(action)(command)


_blueprint_action("enable", "Accept new flows of a blueprint.")
_blueprint_action("disable", "Refuse new flows of a blueprint; running flows go on.")
_blueprint_action("pause", "Pause every running flow of a blueprint.")
_blueprint_action("resume", "Resume every paused flow of a blueprint.")
