"""Short fingerprints: of values (cache keys), of bytes (ETags, asset names) and of files."""

import hashlib
from pathlib import Path


def digest(*parts: object) -> str:
    """A short fingerprint of the parts (text hashed as is: repr of a page is slow)."""
    hasher = hashlib.blake2b(digest_size=12)
    for part in parts:
        hasher.update((part if isinstance(part, str) else repr(part)).encode())
        hasher.update(b"\x1f")
    return hasher.hexdigest()


def bytes_digest(data: bytes, size: int = 12) -> str:
    """The hex fingerprint of `data`, `size` bytes long."""
    return hashlib.blake2b(data, digest_size=size).hexdigest()


def file_digest(path: Path) -> str:
    """The fingerprint of a file's bytes, read in blocks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "blake2b").hexdigest()[:64]
