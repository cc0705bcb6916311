"""The framework's floor: a one-command Typer app that prints its argument."""

import typer

app = typer.Typer()


@app.command()
def main(word: str) -> None:
    print(word)


if __name__ == "__main__":
    app()
