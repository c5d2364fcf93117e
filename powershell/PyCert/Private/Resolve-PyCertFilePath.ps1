function Resolve-PyCertFilePath {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Caller, [Parameter(Mandatory)][string]$Path)
    $resolved = $Caller.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
    if (-not (Test-Path -LiteralPath $resolved -PathType Leaf)) {
        throw (New-PyCertErrorRecord -Message "The file $resolved does not exist; check the path." -ExitCode 2 -Category ObjectNotFound -TargetObject $Path)
    }
    $resolved
}
