function Invoke-PyCertCommand {
    # Invoke-PyCertExe for a public cmdlet: a failure ends that cmdlet with the exe's error
    # (as if the cmdlet itself had thrown it).
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Caller,
        [Parameter(Mandatory)][AllowEmptyString()][AllowNull()][string[]]$Command,
        [AllowEmptyCollection()][string[]]$Arguments = @(),
        [string]$ConfigPath,
        [int[]]$SuccessCode = @(0)
    )
    try {
        Invoke-PyCertExe -Command $Command -Arguments $Arguments -ConfigPath $ConfigPath -SuccessCode $SuccessCode
    }
    catch {
        $Caller.ThrowTerminatingError($_)
    }
}
