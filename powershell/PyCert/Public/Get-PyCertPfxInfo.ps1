function Get-PyCertPfxInfo {
    <#
    .SYNOPSIS
    Reads a PFX/P12 file without importing it: what is inside, and whether the password opens it.
    .DESCRIPTION
    Runs `pycert pfx inspect FILE --password-stdin`. The password is passed on the exe's
    standard input, never on a command line.
    .PARAMETER Path
    The .pfx or .p12 file; accepts pipeline input (Get-ChildItem).
    .PARAMETER Password
    The PFX password as a SecureString (Read-Host -AsSecureString).
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    $pw = Read-Host -AsSecureString 'PFX password'
    Get-PyCertPfxInfo -Path .\0110119153.pfx -Password $pw
    .EXAMPLE
    Get-ChildItem D:\backup\*.p12 | Get-PyCertPfxInfo -Password $pw
    .OUTPUTS
    PyCert.PfxInfo
    #>
    [CmdletBinding()]
    [OutputType('PyCert.PfxInfo')]
    param(
        [Parameter(Mandatory, ValueFromPipeline, ValueFromPipelineByPropertyName)][Alias('FullName')][string[]]$Path,
        [Parameter(Mandatory)][securestring]$Password,
        [string]$ConfigPath
    )
    process {
        foreach ($item in $Path) {
            try {
                $file = Resolve-PyCertFilePath -Caller $PSCmdlet -Path $item
                $result = Invoke-PyCertExe -Command 'pfx', 'inspect' -Arguments @($file, '--password-stdin') -StdinSecret $Password -ConfigPath $ConfigPath
                ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.PfxInfo'
            }
            catch {
                $PSCmdlet.WriteError($_)
            }
        }
    }
}
