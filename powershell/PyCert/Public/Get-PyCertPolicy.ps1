function Get-PyCertPolicy {
    <#
    .SYNOPSIS
    Shows the effective policy: the policy file laid over PyCert's built-in defaults.
    .DESCRIPTION
    Runs `pycert config show --format json`. Source says which file was read (or
    'built-in defaults'); Policy holds the settings, with profile names as written.
    .PARAMETER ConfigPath
    Policy file to read instead of the default.
    .EXAMPLE
    (Get-PyCertPolicy).Policy.Profiles.obn
    .EXAMPLE
    Get-PyCertPolicy -ConfigPath \\server\share\pycert.toml
    .OUTPUTS
    PyCert.Policy
    #>
    [CmdletBinding()]
    [OutputType('PyCert.Policy')]
    param([string]$ConfigPath)
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'config', 'show' -ConfigPath $ConfigPath
    ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.Policy'
}
