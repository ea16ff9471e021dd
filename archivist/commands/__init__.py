"""One module per subcommand of the archivist CLI."""
