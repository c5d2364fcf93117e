# ---- PyCert script core: find pycert.exe, run it, write the v1 summary line ----
# Inlined into every deployment script by packaging/scripts/render.py (Intune and
# SCCM take one file each). ASCII only: Windows PowerShell 5.1 reads BOM-less files as ANSI.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

function Find-PyCertExe {
    if ($env:PYCERT_EXE -and (Test-Path -LiteralPath $env:PYCERT_EXE -PathType Leaf)) { return $env:PYCERT_EXE }
    # 32-bit PowerShell (the Intune default) sees C:\Program Files (x86) as ProgramFiles.
    $programFiles = if ($env:ProgramW6432) { $env:ProgramW6432 } else { $env:ProgramFiles }
    $candidate = Join-Path $programFiles 'PyCert\pycert.exe'
    if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    return $null
}

function Invoke-PyCert {
    param([Parameter(Mandatory)][string]$Exe, [Parameter(Mandatory)][string[]]$ArgumentList)
    $utf8 = New-Object System.Text.UTF8Encoding $false
    $startInfo = New-Object System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = $Exe
    $startInfo.Arguments = $ArgumentList -join ' '
    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.StandardOutputEncoding = $utf8
    $startInfo.StandardErrorEncoding = $utf8
    $startInfo.EnvironmentVariables['PYTHONIOENCODING'] = 'utf-8'
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $stderrTask = $process.StandardError.ReadToEndAsync()
        $stdout = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $stdout; StdErr = $stderrTask.Result }
    }
    finally {
        $process.Dispose()
    }
}

function Get-PyCertLastLine {
    param([AllowEmptyString()][AllowNull()][string]$Text)
    $lines = @(([string]$Text) -split "`r?`n" | Where-Object { $_.Trim() })
    if ($lines.Count -eq 0) { return '' }
    $lines[-1]
}

function ConvertTo-PyCertLineValue {
    # A value of the v1 summary line: a JSON string, ASCII only, at most 96 characters.
    param([AllowEmptyString()][string]$Text)
    if ($Text.Length -gt 96) { $Text = $Text.Substring(0, 93) + '...' }
    $builder = New-Object System.Text.StringBuilder
    [void]$builder.Append('"')
    foreach ($ch in $Text.ToCharArray()) {
        $code = [int]$ch
        if ($ch -eq [char]34 -or $ch -eq [char]92) {
            [void]$builder.Append([char]92).Append($ch)
        }
        elseif ($code -lt 32 -or $code -gt 126) {
            [void]$builder.AppendFormat('\u{0:x4}', $code)
        }
        else {
            [void]$builder.Append($ch)
        }
    }
    [void]$builder.Append('"')
    $builder.ToString()
}

function Get-PyCertFailureLine {
    param([string]$Check, [int]$ExitCode, [string]$Message)
    'FAILED {0} v1 exit={1} | error message={2}' -f $Check, $ExitCode, (ConvertTo-PyCertLineValue $Message)
}

function Get-PyCertSummaryLine {
    # The exe's own last line, or a FAILED line built from its error when it printed none.
    param([Parameter(Mandatory)][string]$Check, [Parameter(Mandatory)][object]$Run)
    $line = Get-PyCertLastLine $Run.StdOut
    if ($line) { return $line }
    $reason = Get-PyCertLastLine $Run.StdErr
    if (-not $reason) { $reason = "pycert exited with code $($Run.ExitCode) and printed nothing" }
    Get-PyCertFailureLine -Check $Check -ExitCode $Run.ExitCode -Message ($reason -replace '^error: ', '')
}

$NotInstalled = 'PyCert not installed: no pycert.exe in Program Files\PyCert; deploy the PyCert app here.'
# ---- end of the PyCert script core ----
