function Repair-PyCertCompliance {
    <#
    .SYNOPSIS
    Runs PyCert's remediation: changes this terminal so that the checks pass.
    .DESCRIPTION
    Runs `pycert remediate [CHECK] --format json`. Remediations are idempotent. -WhatIf
    runs `--dry-run` and returns the plan without changing anything. When the remediation
    is incomplete (exit code 1) the result is returned and a non-terminating error says why.
    .PARAMETER Check
    One check: expiry, rootca or mpki. Omit it for all enabled checks.
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Repair-PyCertCompliance -Check rootca -WhatIf

    Shows what the root CA remediation would do.
    .EXAMPLE
    Repair-PyCertCompliance
    .OUTPUTS
    PyCert.ComplianceResult
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('PyCert.ComplianceResult')]
    param(
        [ValidateSet('expiry', 'rootca', 'mpki')][string]$Check,
        [string]$ConfigPath
    )
    $what = if ($Check) { "PyCert check '$Check'" } else { 'every PyCert check the policy enables' }
    $mode = Resolve-PyCertAction -Caller $PSCmdlet -Target $what -Action 'Remediate'
    if ($mode -eq 'skip') { return }
    $arguments = @()
    if ($mode -eq 'dry-run') { $arguments += '--dry-run' }
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'remediate', $Check -Arguments $arguments -ConfigPath $ConfigPath -SuccessCode 0, 1
    Write-PyCertRemediationResult -Caller $PSCmdlet -Result $result
}
