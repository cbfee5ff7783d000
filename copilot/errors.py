"""Typed errors for Desk Copilot.

Every failure a user can meet is one of these. Each message is one line that names the file,
profile or server involved and says what to do; the CLI prints ``str(error)`` and the app shows
the same text. Callers branch on the type, never on the message.

Hierarchy::

    CopilotError
    ├── UsageError                 bad arguments (CLI exit code 2)
    ├── ConfigError                settings or profile problems
    │   ├── ProfileNotFound
    │   ├── KeyMissing             no key in the keyring or the environment
    │   ├── InsecureTransport      a key would go over plain http:// to another machine
    │   └── SecretStoreUnavailable no usable OS keyring backend
    ├── ModelError                 anything that went wrong talking to a model
    │   ├── ServerUnavailable      connection refused, DNS failure, disconnect mid-stream
    │   ├── ModelTimeout
    │   ├── AuthError              key rejected (401/403)
    │   ├── RateLimited            429 after the retries
    │   ├── ServerError            5xx after the retries
    │   ├── ModelNotFound          the server does not have the model
    │   ├── ContextTooLong
    │   ├── BadResponse            malformed stream, invalid JSON after the repair round
    │   └── EmbeddedUnavailable    llama-cpp-python or the GGUF file missing
    ├── DownloadError              a model download from a hub or mirror failed
    │   ├── SourceUnreachable      the hub cannot be reached (DNS, refused, timeout, proxy)
    │   ├── RemoteNotFound         404: no such repo or file on that source
    │   ├── GatedModel             401/403: the repo needs a login or an accepted licence
    │   ├── DownloadRateLimited    429 after the retries
    │   ├── DownloadInterrupted    the connection broke mid-file; the partial file is kept
    │   ├── ChecksumMismatch       the file's SHA-256 is not the published one; nothing registered
    │   └── NotEnoughDisk          less free space than the file needs
    ├── DocumentError              a user's file cannot be used
    │   ├── LegacyFormat           .doc / .ppt / .xls where the new format is needed
    │   ├── EncryptedDocument
    │   ├── BadDocument            corrupt, not the format it claims
    │   ├── EmptyDocument
    │   └── DocumentTooLarge
    ├── OutputExists               the output file exists and --force was not given
    ├── PromptError                template missing, invalid or failing to render
    ├── UnsafeOutput               model output refused by a guard (SQL that writes, ...)
    ├── KnowledgeBaseError         a knowledge base is missing, unusable or from a newer version
    ├── Cancelled                  the user cancelled
    └── WorkerFailed               the app's background process stopped without an answer
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AuthError",
    "BadDocument",
    "BadResponse",
    "Cancelled",
    "ChecksumMismatch",
    "ConfigError",
    "ContextTooLong",
    "CopilotError",
    "DocumentError",
    "DocumentTooLarge",
    "DownloadError",
    "DownloadInterrupted",
    "DownloadRateLimited",
    "EmbeddedUnavailable",
    "EmptyDocument",
    "EncryptedDocument",
    "GatedModel",
    "InsecureTransport",
    "KeyMissing",
    "KnowledgeBaseError",
    "LegacyFormat",
    "ModelError",
    "ModelNotFound",
    "ModelTimeout",
    "NotEnoughDisk",
    "OutputExists",
    "ProfileNotFound",
    "PromptError",
    "RateLimited",
    "RemoteNotFound",
    "SecretStoreUnavailable",
    "ServerError",
    "ServerUnavailable",
    "SourceUnreachable",
    "UnsafeOutput",
    "UsageError",
    "WorkerFailed",
]


class CopilotError(Exception):
    """Base of every error Desk Copilot reports to a user; ``str()`` is the one-line message."""

    exit_code = 1


class UsageError(CopilotError):
    exit_code = 2


class ConfigError(CopilotError):
    pass


class ProfileNotFound(ConfigError):
    pass


class KeyMissing(ConfigError):
    pass


class SecretStoreUnavailable(ConfigError):
    pass


class InsecureTransport(ConfigError):
    pass


class ModelError(CopilotError):
    pass


class ServerUnavailable(ModelError):
    pass


class ModelTimeout(ModelError):
    pass


class AuthError(ModelError):
    pass


class RateLimited(ModelError):
    pass


class ServerError(ModelError):
    pass


class ModelNotFound(ModelError):
    pass


class ContextTooLong(ModelError):
    pass


class BadResponse(ModelError):
    pass


class EmbeddedUnavailable(ModelError):
    pass


class DownloadError(CopilotError):
    """A model download failed. The partial file (if any) is kept for a resume, never registered."""


class SourceUnreachable(DownloadError):
    pass


class RemoteNotFound(DownloadError):
    pass


class GatedModel(DownloadError):
    pass


class DownloadRateLimited(DownloadError):
    pass


class DownloadInterrupted(DownloadError):
    pass


class ChecksumMismatch(DownloadError):
    pass


class NotEnoughDisk(DownloadError):
    pass


class DocumentError(CopilotError):
    """A user's file cannot be used. ``path`` names it; the message already includes it."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")

    def __reduce__(self) -> tuple[type[DocumentError], tuple[Path, str]]:
        # Keep the error picklable (copy, multiprocessing): the default reduce would call
        # __init__ with the one-line message only.
        return (type(self), (self.path, self.reason))


class LegacyFormat(DocumentError):
    pass


class EncryptedDocument(DocumentError):
    pass


class BadDocument(DocumentError):
    pass


class EmptyDocument(DocumentError):
    pass


class DocumentTooLarge(DocumentError):
    pass


class OutputExists(CopilotError):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        super().__init__(f"{self.path} already exists — choose another output or pass --force")

    def __reduce__(self) -> tuple[type[OutputExists], tuple[Path]]:
        return (type(self), (self.path,))


class PromptError(CopilotError):
    pass


class UnsafeOutput(CopilotError):
    pass


class KnowledgeBaseError(CopilotError):
    pass


class Cancelled(CopilotError):
    exit_code = 130

    def __init__(self, message: str = "Cancelled") -> None:
        super().__init__(message)


class WorkerFailed(CopilotError):
    """A job run in a child process (``copilot.child``) ended without a result or a typed error:
    the process crashed, was killed, or could not start."""
