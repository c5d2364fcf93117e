function Get-PyCertRootCertificate {
    <#
    .SYNOPSIS
    Lists the pinned root CA certificates and where each is installed.
    .DESCRIPTION
    Runs `pycert rootca list --format json`.
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Get-PyCertRootCertificate
    .OUTPUTS
    PyCert.RootCertificate
    #>
    [CmdletBinding()]
    [OutputType('PyCert.RootCertificate')]
    param([string]$ConfigPath)
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'rootca', 'list' -ConfigPath $ConfigPath
    ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.RootCertificate'
}
