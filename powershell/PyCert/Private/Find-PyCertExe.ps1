function Find-PyCertExe {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($env:PYCERT_EXE) {
        if (Test-Path -LiteralPath $env:PYCERT_EXE -PathType Leaf) { return $env:PYCERT_EXE }
        throw (New-PyCertErrorRecord -Message "PYCERT_EXE is set to '$($env:PYCERT_EXE)', which is not a file; correct the variable or remove it." -ExitCode 2 -Category ObjectNotFound)
    }
    # A 32-bit PowerShell sees C:\Program Files (x86) as ProgramFiles; ProgramW6432 is the real one.
    $programFiles = if ($env:ProgramW6432) { $env:ProgramW6432 } else { $env:ProgramFiles }
    $candidates = @(Join-Path $script:ModuleRoot 'pycert.exe')
    if ($programFiles) { $candidates += Join-Path $programFiles 'PyCert\pycert.exe' }
    foreach ($candidate in $candidates) {
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    $onPath = Get-Command -Name 'pycert.exe', 'pycert' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($onPath) { return $onPath.Path }
    throw (New-PyCertErrorRecord -Message 'PyCert not installed: pycert.exe was not found (PYCERT_EXE, the module folder, C:\Program Files\PyCert, PATH); install the PyCert MSI or set $env:PYCERT_EXE.' -ExitCode 3 -Category ObjectNotFound)
}
