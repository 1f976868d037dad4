"""The exception family shared by every layer."""


class NewsdeskError(Exception):
    """Base class: an error the command line reports as one readable line."""


class ConfigError(NewsdeskError):
    """The site configuration is invalid; each problem names its key path."""

    def __init__(self, path: str, problems: list[tuple[str, str]]) -> None:
        self.path = path
        self.problems = problems
        lines = "; ".join(f"{key}: {message}" for key, message in problems)
        super().__init__(f"{path}: {lines}")


class InputError(NewsdeskError):
    """A path given on the command line cannot be used."""


def first_line(error: BaseException) -> str:
    """An error's message cut to one line for a log or the terminal (a database
    driver's error is read from the exception it wraps)."""
    return (str(getattr(error, "orig", None) or error).strip().splitlines() or [repr(error)])[0]
