function New-PyCertErrorRecord {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$Message,
        [int]$ExitCode = 3,
        [System.Management.Automation.ErrorCategory]$Category = 'NotSpecified',
        [object]$TargetObject
    )
    $exception = New-Object System.Exception $Message
    $exception.Data['ExitCode'] = $ExitCode
    New-Object System.Management.Automation.ErrorRecord $exception, "PyCert.Exit$ExitCode", $Category, $TargetObject
}
