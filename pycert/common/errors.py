"""Typed errors. Each carries the documented exit code and one sentence for people."""

EXIT_OK = 0
EXIT_ACTION_NEEDED = 1
EXIT_USAGE = 2
EXIT_RUNTIME = 3


class PyCertError(Exception):
    """An error whose message is one sentence naming the input and what to do."""

    exit_code = EXIT_RUNTIME

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(PyCertError):
    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """The policy file is missing, unreadable or invalid (exit 2)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


class PlatformError(PyCertError):
    """The OS or the .NET runtime failed underneath us (exit 3)."""

    exit_code = EXIT_RUNTIME


class LockBusy(PlatformError):
    """Another PyCert run holds the machine lock (exit 3). `where` names the lock."""

    def __init__(self, where: str):
        super().__init__(
            f"Another PyCert run is in progress (it holds {where}); wait for it to finish and run PyCert again."
        )
