"""The command layer: Typer apps, one module per command group."""
