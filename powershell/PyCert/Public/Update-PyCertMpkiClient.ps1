function Update-PyCertMpkiClient {
    <#
    .SYNOPSIS
    Brings the Cybertrust Managed PKI Client to the version the policy requires.
    .DESCRIPTION
    Runs `pycert remediate mpki`. The new MSI is obtained and its signature verified
    before the installed client is uninstalled; nothing reboots. Needs an elevated
    64-bit session. Without -MsiPath or -Uri the policy's download address is used.
    -WhatIf runs --dry-run.
    .PARAMETER MsiPath
    A CybertrustManagedPKIClient.msi already on disk.
    .PARAMETER Uri
    Where to download the MSI from (default: the policy's [mpki] url).
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Update-PyCertMpkiClient -WhatIf
    .EXAMPLE
    Update-PyCertMpkiClient -MsiPath D:\CybertrustManagedPKIClient.msi -Confirm:$false
    .OUTPUTS
    PyCert.ComplianceResult
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'Policy')]
    [OutputType('PyCert.ComplianceResult')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'File')][string]$MsiPath,
        [Parameter(Mandatory, ParameterSetName = 'Uri')][uri]$Uri,
        [string]$ConfigPath
    )
    $arguments = @()
    if ($MsiPath) {
        try {
            $arguments += '--msi', (Resolve-PyCertFilePath -Caller $PSCmdlet -Path $MsiPath)
        }
        catch {
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }
    if ($Uri) { $arguments += '--url', $Uri.AbsoluteUri }
    $mode = Resolve-PyCertAction -Caller $PSCmdlet -Target 'Cybertrust Managed PKI Client' -Action 'Uninstall the installed version and install the required one'
    if ($mode -eq 'skip') { return }
    if ($mode -eq 'dry-run') { $arguments += '--dry-run' }
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'remediate', 'mpki' -Arguments $arguments -ConfigPath $ConfigPath -SuccessCode 0, 1
    Write-PyCertRemediationResult -Caller $PSCmdlet -Result $result
}
