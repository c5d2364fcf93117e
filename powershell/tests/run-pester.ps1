# Runs the Pester 5 suite in whichever PowerShell runs this file (7, 5.1 64-bit or 5.1
# 32-bit): Windows PowerShell 5.1 ships Pester 3.4, so Pester 5 is installed for the
# current user first (that folder is shared by the 64- and 32-bit hosts). Exit code: the
# number of failed tests (0 = all passed). Used by .github/workflows/ci.yml.
$ErrorActionPreference = 'Stop'
$host64 = if ([Environment]::Is64BitProcess) { '64-bit' } else { '32-bit' }
Write-Output ("PowerShell {0} ({1}, {2})" -f $PSVersionTable.PSVersion, $PSVersionTable.PSEdition, $host64)
$pester = Get-Module -ListAvailable Pester | Where-Object { $_.Version -ge [version]'5.5.0' } | Select-Object -First 1
if (-not $pester) {
    if ($PSVersionTable.PSVersion.Major -lt 6) {
        # PowerShell Gallery needs TLS 1.2 and the NuGet provider on Windows PowerShell 5.1
        [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
        $null = Install-PackageProvider -Name NuGet -MinimumVersion 2.8.5.201 -Force -Scope CurrentUser
    }
    Install-Module -Name Pester -MinimumVersion 5.5.0 -Scope CurrentUser -Force -SkipPublisherCheck -AllowClobber
}
Import-Module Pester -MinimumVersion 5.5.0
$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration
exit $result.FailedCount
