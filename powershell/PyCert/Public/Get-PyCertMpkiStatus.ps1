function Get-PyCertMpkiStatus {
    <#
    .SYNOPSIS
    Shows the installed Cybertrust Managed PKI Client and the version the policy requires.
    .DESCRIPTION
    Runs `pycert mpki status --format json` (read-only). Exit code 1 means "an upgrade is
    needed", which is a status, not an error: the object is returned for 0 and 1.
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Get-PyCertMpkiStatus
    .OUTPUTS
    PyCert.MpkiStatus
    #>
    [CmdletBinding()]
    [OutputType('PyCert.MpkiStatus')]
    param([string]$ConfigPath)
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'mpki', 'status' -ConfigPath $ConfigPath -SuccessCode 0, 1
    ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.MpkiStatus'
}
