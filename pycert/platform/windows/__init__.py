"""Windows-only OS calls (winreg, ctypes, msiexec). Each module reaches the OS through one
small getter (`_winreg()`, `_kernel32()`, ...) so tests can hand it a mock and assert the
exact flags and arguments."""
