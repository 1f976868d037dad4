"""What a command's PATH names: a site folder, a folder of Markdown, or files."""

from dataclasses import dataclass
from pathlib import Path

from newsdesk.content.loader import MARKDOWN_SUFFIXES, discover
from newsdesk.errors import InputError
from newsdesk.site.config import CONFIG_NAME, SiteConfig, load_config


@dataclass(frozen=True)
class Inputs:
    """The Markdown files to read and the configuration that applies to them."""

    config: SiteConfig
    files: list[Path]
    root: Path | None = None


def find_config(start: Path) -> Path | None:
    """The nearest newsdesk.toml in start or one of its parents."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.resolve().parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate / CONFIG_NAME
    return None


def open_inputs(paths: list[Path]) -> Inputs:
    """Resolve the paths a command was given (the working folder when none)."""
    targets = paths or [Path(".")]
    for target in targets:
        if not target.exists():
            raise InputError(f"{target}: no such file or folder")
    config_path = find_config(targets[0])
    config = load_config(config_path) if config_path else SiteConfig()
    root = config_path.parent if config_path else None
    files: list[Path] = []
    for target in targets:
        if target.is_file():
            if not target.name.lower().endswith(MARKDOWN_SUFFIXES):
                raise InputError(f"{target}: not a Markdown file (.md)")
            files.append(target)
        elif root is not None and target.resolve() == root.resolve():
            content = root / config.content.dir
            if not content.is_dir():
                raise InputError(f"{content}: the content folder named in {CONFIG_NAME} is missing")
            files.extend(discover(content))
        else:
            files.extend(discover(target))
    return Inputs(config, files, root)
