function Write-PyCertRemediationResult {
    [CmdletBinding()]
    param([Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Caller, [Parameter(Mandatory)][object]$Result)
    $object = ConvertTo-PyCertComplianceResult -Json $Result.Json -ExitCode $Result.ExitCode
    $object
    if ($Result.ExitCode -ne 0) {
        $message = Get-PyCertErrorMessage -StdErr $Result.StdErr -Json $Result.Json -ExitCode $Result.ExitCode
        $Caller.WriteError((New-PyCertErrorRecord -Message $message -ExitCode $Result.ExitCode -Category InvalidResult -TargetObject $object))
    }
}
