"""permanence: run a volunteer phone hotline from a folder of plain files."""

__version__ = "0.1.0"
