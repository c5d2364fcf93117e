@{
    RootModule           = 'PyCert.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '7de72a42-ce80-40cc-bab2-ffe1633a92b1'
    Author               = 'PyCert team'
    CompanyName          = 'PyCert'
    Copyright            = '(c) PyCert team. MIT License.'
    Description          = 'Client-certificate expiry, root CA and Cybertrust Managed PKI Client checks for Japanese medical-institution terminals. Thin cmdlets over pycert.exe.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('PyCert.format.ps1xml')
    FunctionsToExport    = @(
        'Get-PyCertCertificate'
        'Test-PyCertCompliance'
        'Repair-PyCertCompliance'
        'Install-PyCertRootCertificate'
        'Update-PyCertMpkiClient'
        'Get-PyCertPfxInfo'
        'Import-PyCertPfx'
        'Remove-PyCertSupersededCertificate'
        'Get-PyCertRootCertificate'
        'Get-PyCertMpkiStatus'
        'Get-PyCertPolicy'
        'Test-PyCertEnvironment'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('Certificate', 'PKI', 'Intune', 'Healthcare', 'Japan')
        }
    }
}
