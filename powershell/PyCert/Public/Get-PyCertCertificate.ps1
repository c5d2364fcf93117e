function Get-PyCertCertificate {
    <#
    .SYNOPSIS
    Lists the client certificates PyCert watches, soonest expiry first.
    .DESCRIPTION
    Runs `pycert list --format json` and returns one PyCert.Certificate object per
    certificate: Profile, Store, CommonName, Issuer, Thumbprint, NotBefore and NotAfter
    ([datetime], local time), DaysLeft ([int]), HasPrivateKey, State (ok, due, urgent,
    expired, not-yet-valid, superseded) and SupersededBy. Stores that could not be read
    are reported as warnings.
    .PARAMETER ProfileName
    Only this policy profile (for example obn).
    .PARAMETER All
    Every certificate in the scanned stores, including those no profile matches.
    .PARAMETER AsOf
    Judge as if it were this date (to see what will be due next month).
    .PARAMETER ConfigPath
    Policy file to use instead of the default (%ProgramData%\PyCert\pycert.toml).
    .EXAMPLE
    Get-PyCertCertificate

    State DaysLeft NotAfter   Profile CommonName Store            Thumbprint
    ----- -------- --------   ------- ---------- -----            ----------
    due         45 2027-01-05 obn     0110119153 CurrentUser\My   6B1C...
    .EXAMPLE
    Get-PyCertCertificate | Where-Object State -eq 'due'

    Only the certificates that are inside their renewal window.
    .EXAMPLE
    Get-PyCertCertificate -AsOf (Get-Date).AddDays(30) | Where-Object State -ne 'ok'
    .OUTPUTS
    PyCert.Certificate
    #>
    [CmdletBinding(DefaultParameterSetName = 'Profile')]
    [OutputType('PyCert.Certificate')]
    param(
        [Parameter(ParameterSetName = 'Profile')][Alias('Profile')][string]$ProfileName,
        [Parameter(ParameterSetName = 'All')][switch]$All,
        [datetime]$AsOf,
        [string]$ConfigPath
    )
    $arguments = @()
    if ($ProfileName) { $arguments += '--profile', $ProfileName }
    if ($All) { $arguments += '--all' }
    if ($PSBoundParameters.ContainsKey('AsOf')) { $arguments += '--as-of', $AsOf.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture) }
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'list' -Arguments $arguments -ConfigPath $ConfigPath
    foreach ($store in @($result.Json.stores)) {
        if ($store -and $store.status -eq 'error') { Write-Warning "$($store.store) could not be read: $($store.error)" }
    }
    foreach ($certificate in @($result.Json.certificates)) {
        if ($certificate) { ConvertTo-PyCertObject -InputObject $certificate -TypeName 'PyCert.Certificate' }
    }
}
