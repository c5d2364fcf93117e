"""Stand-ins for what only Windows has: the registry (winreg's interface and constants)."""

from __future__ import annotations

HKLM, HKCU = 0x80000002, 0x80000001
KEY_READ, KEY_WOW64_64KEY, KEY_WOW64_32KEY = 0x20019, 0x0100, 0x0200
UNINSTALL = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall"


class Key:
    def __init__(self, hive, path, access):
        self.hive, self.path, self.access = hive, path, access

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeWinreg:
    """winreg over a dict {(hive, view): {key name: {value: data}}}; records every OpenKey.

    A view is "64" or "32"; HKCU entries may be listed under both (they are one key)."""

    HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER = HKLM, HKCU
    KEY_READ, KEY_WOW64_64KEY, KEY_WOW64_32KEY = KEY_READ, KEY_WOW64_64KEY, KEY_WOW64_32KEY

    def __init__(self, data):
        self.data = data
        self.opened: list[tuple[int, str, int]] = []

    def _view(self, access):
        has64, has32 = bool(access & KEY_WOW64_64KEY), bool(access & KEY_WOW64_32KEY)
        assert has64 != has32, "every open must name exactly one registry view"
        return "64" if has64 else "32"

    def OpenKey(self, key, sub, reserved=0, access=KEY_READ):
        self.opened.append((key.hive if isinstance(key, Key) else key, sub, access))
        view = self._view(access)
        if isinstance(key, Key):
            entries = self.data.get((key.hive, view), {})
            if sub not in entries:
                raise FileNotFoundError(sub)
            return Key(key.hive, key.path + "\\" + sub, access)
        if sub != UNINSTALL or (key, view) not in self.data:
            raise FileNotFoundError(sub)
        return Key(key, sub, access)

    def EnumKey(self, key, index):
        names = list(self.data[(key.hive, self._view(key.access))])
        if index >= len(names):
            raise OSError("[WinError 259] No more data is available")
        return names[index]

    def QueryValueEx(self, key, name):
        entry = key.path.rsplit("\\", 1)[-1]
        values = self.data[(key.hive, self._view(key.access))][entry]
        if name not in values:
            raise FileNotFoundError(name)
        return values[name], 1


def uninstall_entry(name, version, code, location=r"C:\Program Files\Cybertrust\MPKI Client\\"):
    return {
        "DisplayName": name, "DisplayVersion": version, "Publisher": "Cybertrust Japan Co., Ltd.",
        "InstallLocation": location, "UninstallString": f"MsiExec.exe /X{code}",
    }
