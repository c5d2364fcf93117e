function Remove-PyCertSupersededCertificate {
    <#
    .SYNOPSIS
    Deletes certificates that a renewed one has replaced (never the newest one).
    .DESCRIPTION
    Runs `pycert cleanup --apply`. Only certificates whose State is 'superseded' (a newer
    certificate for the same subject and profile is in the store) are removed. -WhatIf
    runs `cleanup --dry-run` and lists what would go. Asks for confirmation by default.
    .PARAMETER ProfileName
    Only this profile.
    .PARAMETER KeepKeys
    Remove the certificates but leave their private keys on disk.
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Remove-PyCertSupersededCertificate -WhatIf
    .EXAMPLE
    Remove-PyCertSupersededCertificate -ProfileName obn -Confirm:$false
    .OUTPUTS
    PyCert.CleanupResult
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('PyCert.CleanupResult')]
    param(
        [Alias('Profile')][string]$ProfileName,
        [switch]$KeepKeys,
        [string]$ConfigPath
    )
    $target = if ($ProfileName) { "superseded certificates of profile '$ProfileName'" } else { 'superseded certificates of every enabled profile' }
    $mode = Resolve-PyCertAction -Caller $PSCmdlet -Target $target -Action 'Remove'
    if ($mode -eq 'skip') { return }
    $arguments = @()
    if ($ProfileName) { $arguments += '--profile', $ProfileName }
    if ($KeepKeys) { $arguments += '--keep-keys' }
    if ($mode -eq 'dry-run') { $arguments += '--dry-run' } else { $arguments += '--apply' }
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'cleanup' -Arguments $arguments -ConfigPath $ConfigPath
    ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.CleanupResult'
}
