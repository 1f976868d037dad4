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
