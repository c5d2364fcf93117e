function Install-PyCertRootCertificate {
    <#
    .SYNOPSIS
    Installs the pinned root CA (Security Communication RootCA2) into Trusted Root.
    .DESCRIPTION
    Runs `pycert remediate rootca`. -Scope Machine (LocalMachine\Root) needs an elevated
    session and shows no dialog; -Scope User (CurrentUser\Root) makes Windows show its
    Security Warning dialog. The certificate is checked against its pinned SHA-256
    before it is added, whatever -Source says. -WhatIf runs --dry-run.
    .PARAMETER Scope
    Machine, User, or Auto (Machine when elevated, else User).
    .PARAMETER Source
    bundled (the copy shipped with PyCert), a .cer/.crt file path, or an https URL.
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Install-PyCertRootCertificate -Scope Machine
    .EXAMPLE
    Install-PyCertRootCertificate -Source .\SCRoot2ca.cer -WhatIf
    .OUTPUTS
    PyCert.ComplianceResult
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('PyCert.ComplianceResult')]
    param(
        [ValidateSet('Machine', 'User', 'Auto')][string]$Scope = 'Auto',
        [string]$Source = 'bundled',
        [string]$ConfigPath
    )
    $sourceArgument = $Source
    if ($Source -ne 'bundled' -and $Source -notmatch '^https?://') {
        try {
            $sourceArgument = Resolve-PyCertFilePath -Caller $PSCmdlet -Path $Source
        }
        catch {
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }
    $mode = Resolve-PyCertAction -Caller $PSCmdlet -Target "Trusted Root ($Scope)" -Action 'Install the pinned root CA certificate'
    if ($mode -eq 'skip') { return }
    $arguments = @('--scope', $Scope.ToLowerInvariant(), '--source', $sourceArgument)
    if ($mode -eq 'dry-run') { $arguments += '--dry-run' }
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'remediate', 'rootca' -Arguments $arguments -ConfigPath $ConfigPath -SuccessCode 0, 1
    Write-PyCertRemediationResult -Caller $PSCmdlet -Result $result
}
