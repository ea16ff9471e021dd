"""The `archivist` command: every subcommand is registered and has its own help."""

import pytest

from archivist.cli import build_parser, main


def subcommands():
    """{name: parser} of the subcommands the command line registers."""
    parser = build_parser()
    return next(a for a in parser._subparsers._group_actions if hasattr(a, "choices")).choices


def test_every_subcommand_is_registered():
    assert sorted(subcommands()) == ["check", "dist", "export", "import", "new"]


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_subcommand_has_help(capsys, command):
    description = subcommands()[command].description
    assert description, f"'archivist {command}' has no description"
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert out.startswith(f"usage: archivist {command} ")
    assert " ".join(description.split()) in " ".join(out.split())
    assert "--settings" in out


def test_the_top_level_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    lines = capsys.readouterr().out.splitlines()
    for command in subcommands():
        # One line per subcommand: its name, then its one-line help.
        assert any(line.split()[:1] == [command] and len(line.split()) > 1 for line in lines), command
