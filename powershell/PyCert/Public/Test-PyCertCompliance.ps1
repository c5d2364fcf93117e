function Test-PyCertCompliance {
    <#
    .SYNOPSIS
    Runs PyCert's read-only checks and says whether this terminal is compliant.
    .DESCRIPTION
    Runs `pycert detect [CHECK] --format json`. Without -Check, every check the policy
    enables runs. A non-compliant result is a normal answer, not an error: the object's
    Compliant property is $false and Verdict is 'noncompliant'. Usage, policy and runtime
    failures (exit codes 2 and 3) are errors carrying pycert's message.
    .PARAMETER Check
    One check: expiry, rootca or mpki. Omit it for all enabled checks.
    .PARAMETER ProfileName
    With -Check expiry: only this profile.
    .PARAMETER Quiet
    Return only $true (compliant) or $false.
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Test-PyCertCompliance -Check expiry

    Check  Verdict      Compliant Summary
    -----  -------      --------- -------
    expiry noncompliant     False NONCOMPLIANT expiry v1 certs=1 due=1 | obn cn=0110119153 state=due days=45 ...
    .EXAMPLE
    if (-not (Test-PyCertCompliance -Quiet)) { Repair-PyCertCompliance -WhatIf }
    .EXAMPLE
    (Test-PyCertCompliance -Check expiry).Certificates | Format-Table
    .OUTPUTS
    PyCert.ComplianceResult, or System.Boolean with -Quiet
    #>
    [CmdletBinding()]
    [OutputType('PyCert.ComplianceResult', [bool])]
    param(
        [ValidateSet('expiry', 'rootca', 'mpki')][string]$Check,
        [Alias('Profile')][string]$ProfileName,
        [switch]$Quiet,
        [string]$ConfigPath
    )
    if ($ProfileName -and $Check -ne 'expiry') {
        $record = New-PyCertErrorRecord -Message '-ProfileName applies only to -Check expiry; add -Check expiry or drop -ProfileName.' -ExitCode 2 -Category InvalidArgument
        $PSCmdlet.ThrowTerminatingError($record)
    }
    $arguments = @()
    if ($ProfileName) { $arguments += '--profile', $ProfileName }
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'detect', $Check -Arguments $arguments -ConfigPath $ConfigPath -SuccessCode 0, 1
    if ($Quiet) { return ($result.ExitCode -eq 0) }
    ConvertTo-PyCertComplianceResult -Json $result.Json -ExitCode $result.ExitCode
}
