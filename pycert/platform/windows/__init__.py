"""Windows-only calls (ctypes in crypt32.py, winreg, msiexec, notifications in notify.py).
Imported only on Windows, or by tests that mock the DLLs."""
