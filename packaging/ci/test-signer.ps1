# A throw-away code-signing certificate for one CI build: created in CurrentUser\My and
# trusted in LocalMachine\Root and TrustedPublisher (the runner is elevated, so no dialog),
# so that `signtool verify /pa` in packaging/build.py passes. -Remove THUMBPRINT deletes
# it from all three stores. Never used outside CI.
param([string]$Remove)
$ErrorActionPreference = 'Stop'
if ($Remove) {
    foreach ($store in 'Cert:\CurrentUser\My', 'Cert:\LocalMachine\Root', 'Cert:\LocalMachine\TrustedPublisher') {
        Get-ChildItem $store | Where-Object Thumbprint -eq $Remove | Remove-Item -Force
    }
    Write-Output "removed the test signer $Remove"
    exit 0
}
$cert = New-SelfSignedCertificate -Type CodeSigningCert -Subject 'CN=PyCert CI Test Signing (throw-away)' `
    -CertStoreLocation 'Cert:\CurrentUser\My' -NotAfter (Get-Date).AddDays(2) -KeyExportPolicy NonExportable
$public = Join-Path $env:RUNNER_TEMP 'pycert-ci-signer.cer'
$null = Export-Certificate -Cert $cert -FilePath $public
$null = Import-Certificate -FilePath $public -CertStoreLocation 'Cert:\LocalMachine\Root'
$null = Import-Certificate -FilePath $public -CertStoreLocation 'Cert:\LocalMachine\TrustedPublisher'
Write-Output "test signer $($cert.Thumbprint)"
Add-Content -Path $env:GITHUB_OUTPUT -Value "thumbprint=$($cert.Thumbprint)"
