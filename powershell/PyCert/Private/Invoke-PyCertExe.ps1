function Invoke-PyCertExe {
    <#
    .SYNOPSIS
    Runs pycert.exe with --format json and returns its exit code and parsed JSON.
    .DESCRIPTION
    The one place the module starts the exe (private; Pester mocks it). A SecureString
    given as -StdinSecret is written to the exe's standard input as UTF-8 and never
    appears on a command line. Exit codes outside -SuccessCode become an ErrorRecord
    carrying the exe's one-sentence message.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][AllowEmptyString()][AllowNull()][string[]]$Command,
        [AllowEmptyCollection()][string[]]$Arguments = @(),
        [string]$ConfigPath,
        [securestring]$StdinSecret,
        [int[]]$SuccessCode = @(0)
    )
    $exe = Find-PyCertExe
    $argv = @()
    if ($ConfigPath) { $argv += '--config', $ConfigPath }
    $argv += @($Command | Where-Object { $_ })
    $argv += $Arguments
    $argv += '--format', 'json'

    $utf8 = New-Object System.Text.UTF8Encoding $false
    $startInfo = New-Object System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = $exe
    $startInfo.Arguments = ConvertTo-PyCertArgumentString -ArgumentList $argv
    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.StandardOutputEncoding = $utf8
    $startInfo.StandardErrorEncoding = $utf8
    # Without these a frozen Python writes to a pipe in the ANSI code page (cp932).
    $startInfo.EnvironmentVariables['PYTHONIOENCODING'] = 'utf-8'
    $startInfo.EnvironmentVariables['PYTHONUTF8'] = '1'

    Write-Verbose ("pycert " + $startInfo.Arguments)
    try {
        $process = [System.Diagnostics.Process]::Start($startInfo)
    }
    catch {
        throw (New-PyCertErrorRecord -Message "pycert.exe at $exe could not be started ($($_.Exception.Message)); reinstall PyCert." -ExitCode 3 -Category ResourceUnavailable)
    }
    try {
        $stderrTask = $process.StandardError.ReadToEndAsync()
        if ($StdinSecret) {
            $bstr = [System.Runtime.InteropServices.Marshal]::SecureStringToBSTR($StdinSecret)
            $bytes = $null
            try {
                $bytes = $utf8.GetBytes([System.Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr))
                $process.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
                $process.StandardInput.BaseStream.Flush()
            }
            finally {
                [System.Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr)
                if ($bytes) { [System.Array]::Clear($bytes, 0, $bytes.Length) }
            }
        }
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        $stderr = $stderrTask.Result
        $exitCode = $process.ExitCode
    }
    finally {
        $process.Dispose()
    }

    $json = $null
    if ($stdout.Trim()) {
        try {
            $json = $stdout | ConvertFrom-Json
        }
        catch {
            $json = $null
        }
    }
    if ($SuccessCode -notcontains $exitCode) {
        $category = switch ($exitCode) {
            1 { 'InvalidResult' }
            2 { 'InvalidArgument' }
            default { 'InvalidOperation' }
        }
        $message = Get-PyCertErrorMessage -StdErr $stderr -Json $json -ExitCode $exitCode
        throw (New-PyCertErrorRecord -Message $message -ExitCode $exitCode -Category $category -TargetObject $json)
    }
    if ($null -eq $json) {
        throw (New-PyCertErrorRecord -Message "pycert $($Command -join ' ') printed no JSON (exit code $exitCode); rerun it with -Verbose and report the output." -ExitCode 3 -Category InvalidData)
    }
    [pscustomobject]@{ ExitCode = $exitCode; Json = $json; StdErr = $stderr }
}
