function Import-PyCertPfx {
    <#
    .SYNOPSIS
    Imports a PFX/P12 file the way the OBN manuals require.
    .DESCRIPTION
    Runs `pycert import FILE --password-stdin`: CurrentUser stores, key not exportable,
    no strong key protection, extended properties kept, each certificate routed to My,
    CA or Root. The password goes to the exe on standard input only. -WhatIf runs
    --dry-run (the file is opened and checked, nothing is stored). Each file that fails
    gives a non-terminating error, so the other files in the pipeline still import.
    .PARAMETER Path
    The .pfx or .p12 file; accepts pipeline input (Get-ChildItem).
    .PARAMETER Password
    The PFX password as a SecureString (Read-Host -AsSecureString).
    .PARAMETER ProfileName
    Check the certificate against this policy profile before importing.
    .PARAMETER Machine
    Import into LocalMachine stores (needs an elevated session).
    .PARAMETER Exportable
    Mark the private key exportable (the OBN manual v1.8.0 says not to).
    .PARAMETER Force
    Import even if no profile matches the certificate or it has expired (pycert import --force).
    A certificate already in the store is never imported twice; it is reported as present.
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    $pw = Read-Host -AsSecureString 'PFX password'
    Import-PyCertPfx -Path .\0110119153.pfx -Password $pw
    .EXAMPLE
    Get-ChildItem *.pfx | Import-PyCertPfx -Password $pw -WhatIf
    .OUTPUTS
    PyCert.ImportResult
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('PyCert.ImportResult')]
    param(
        [Parameter(Mandatory, ValueFromPipeline, ValueFromPipelineByPropertyName)][Alias('FullName')][string[]]$Path,
        [Parameter(Mandatory)][securestring]$Password,
        [Alias('Profile')][string]$ProfileName,
        [switch]$Machine,
        [switch]$Exportable,
        [switch]$Force,
        [string]$ConfigPath
    )
    process {
        foreach ($item in $Path) {
            try {
                $file = Resolve-PyCertFilePath -Caller $PSCmdlet -Path $item
                $location = if ($Machine) { 'LocalMachine' } else { 'CurrentUser' }
                $mode = Resolve-PyCertAction -Caller $PSCmdlet -Target $file -Action "Import into $location certificate stores"
                if ($mode -eq 'skip') { continue }
                $arguments = @($file, '--password-stdin')
                if ($ProfileName) { $arguments += '--profile', $ProfileName }
                if ($Machine) { $arguments += '--machine' }
                if ($Exportable) { $arguments += '--exportable' }
                if ($Force) { $arguments += '--force' }
                if ($mode -eq 'dry-run') { $arguments += '--dry-run' }
                $result = Invoke-PyCertExe -Command 'import' -Arguments $arguments -StdinSecret $Password -ConfigPath $ConfigPath
                ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.ImportResult'
            }
            catch {
                $PSCmdlet.WriteError($_)
            }
        }
    }
}
