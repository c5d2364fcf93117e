"""Windows-only calls (ctypes, winreg, msiexec). Imported only on Windows, or by tests that
mock the DLLs."""
