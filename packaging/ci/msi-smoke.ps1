# The MSI on a real Windows runner: install silently, check what it put where, use the
# exe, the module and the Intune scripts, uninstall, and check that only the policy file
# (Permanent, an admin's edits) stays. Fails on the first surprise. Used by ci.yml.
$ErrorActionPreference = 'Stop'
function Assert-That([bool]$Condition, [string]$What) {
    if (-not $Condition) { throw "FAILED: $What" }
    Write-Output "ok: $What"
}
function Invoke-Msiexec([string[]]$Arguments) {
    $process = Start-Process -FilePath "$env:SystemRoot\System32\msiexec.exe" -ArgumentList $Arguments -Wait -PassThru
    return $process.ExitCode
}

$msi = Get-ChildItem -Path dist -Filter 'PyCert-*-x64.msi' | Select-Object -First 1
Assert-That ($null -ne $msi) 'dist holds PyCert-X.Y.Z-x64.msi'
# The log goes to a folder that exists before the install (ProgramData\PyCert does not: 1622)
$log = Join-Path $env:RUNNER_TEMP 'PyCert-install.log'
$code = Invoke-Msiexec @('/i', "`"$($msi.FullName)`"", '/qn', '/norestart', '/L*v', "`"$log`"")
Assert-That ($code -eq 0) "msiexec /i exits 0 (got $code; log $log)"

$exe = Join-Path $env:ProgramFiles 'PyCert\pycert.exe'
Assert-That (Test-Path $exe) "$exe exists"
$policy = Join-Path $env:ProgramData 'PyCert\pycert.toml'
Assert-That (Test-Path $policy) "$policy exists"
$acl = Get-Acl (Split-Path $policy)
$usersWrite = $acl.Access | Where-Object {
    $_.IdentityReference.Value -match 'BUILTIN\\Users$' -and ($_.FileSystemRights -band [System.Security.AccessControl.FileSystemRights]::Write)
}
Assert-That ($null -eq $usersWrite) 'Users cannot write the policy folder'
$installDir = (Get-ItemProperty 'HKLM:\SOFTWARE\PyCert').InstallDir
Assert-That ($installDir -like '*\PyCert\') "HKLM\SOFTWARE\PyCert InstallDir = $installDir"
$machinePath = [Environment]::GetEnvironmentVariable('Path', 'Machine')
Assert-That ($machinePath -like '*\PyCert\*') 'the machine PATH names the PyCert folder'
$module = Join-Path $env:ProgramFiles 'WindowsPowerShell\Modules\PyCert'
Assert-That (Test-Path $module) "$module exists"

# Who is speaking in a toast: the Start-menu shortcut that registers PyCert's AppUserModelID
# (its Japanese name stays out of this ASCII script: the shortcut is found by its app id).
$programs = Join-Path $env:ProgramData 'Microsoft\Windows\Start Menu\Programs'
$shellApp = New-Object -ComObject Shell.Application
function Get-PyCertShortcut {
    @(Get-ChildItem -Path $programs -Filter 'PyCert *.lnk' | Where-Object {
            $shellApp.NameSpace($programs).ParseName($_.Name).ExtendedProperty('System.AppUserModel.ID') -eq 'PyCert.CertificateCheck' })
}
$links = Get-PyCertShortcut
Assert-That ($links.Count -eq 1) "one Start-menu shortcut carries the AppUserModelID PyCert.CertificateCheck ($($links.Name -join ','))"

$version = & $exe --version
Assert-That ($LASTEXITCODE -eq 0 -and $version -match '^pycert \d+\.\d+\.\d+') "pycert --version: $version"
$doctor = & $exe doctor --format json | ConvertFrom-Json
Assert-That ($null -ne $doctor.checks -and $doctor.checks.Count -gt 5) "pycert doctor --format json lists $($doctor.checks.Count) checks"
Assert-That (($doctor.checks | Where-Object name -eq 'os').status -ne 'fail') 'doctor: os is not a failure'

foreach ($shell in @("$env:SystemRoot\System32\WindowsPowerShell\v1.0\powershell.exe", 'pwsh.exe')) {
    $names = & $shell -NoProfile -Command 'Import-Module PyCert; (Get-Command -Module PyCert).Name -join ","'
    Assert-That ($LASTEXITCODE -eq 0 -and $names -match 'Get-PyCertCertificate') "Import-Module PyCert in $shell"
}
# 32-bit Windows PowerShell does not search Program Files\WindowsPowerShell\Modules (documented);
# with the path it loads.
$wow = "$env:SystemRoot\SysWOW64\WindowsPowerShell\v1.0\powershell.exe"
$names = & $wow -NoProfile -Command "Import-Module '$module'; (Get-Command -Module PyCert).Name -join ','"
Assert-That ($names -match 'Get-PyCertCertificate') 'Import-Module by path in 32-bit Windows PowerShell'

# The rendered Intune scripts, as Intune runs them: the last line is the summary line.
foreach ($case in @(
        @{ Script = 'packaging\intune\PyCert-RootCA-Detect.ps1'; Line = '^(COMPLIANT|NONCOMPLIANT) rootca v1 '; Codes = @(0, 1) },
        @{ Script = 'packaging\intune\PyCert-Expiry-Detect.ps1'; Line = '^NONCOMPLIANT expiry v1 certs=0 \| obn state=missing'; Codes = @(1) },
        @{ Script = 'packaging\intune\PyCert-RootCA-Remediate.ps1'; Line = '^(REMEDIATED|COMPLIANT) rootca v1 '; Codes = @(0) })) {
    $out = & "$env:SystemRoot\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -ExecutionPolicy Bypass -File $case.Script
    $last = @($out)[-1]
    Assert-That (($case.Codes -contains $LASTEXITCODE) -and ($last -match $case.Line)) "$($case.Script): exit $LASTEXITCODE, '$last'"
}

# The build signed the module (inside the MSI) and the deployment scripts (dist\scripts) with
# the throw-away signer, trusted on this runner: Windows must find each signature Valid, and a
# signed script must run under AllSigned (SCCM's "All Signed", Intune's signature check).
foreach ($file in Get-ChildItem -Path $module -Recurse -Include '*.psm1', '*.psd1', '*.ps1xml') {
    $signature = Get-AuthenticodeSignature -FilePath $file.FullName
    Assert-That ($signature.Status -eq 'Valid') "installed $($file.Name) is signed: $($signature.Status) $($signature.StatusMessage)"
}
foreach ($file in Get-ChildItem -Path 'dist\scripts' -Recurse -Filter '*.ps1') {
    $signature = Get-AuthenticodeSignature -FilePath $file.FullName
    Assert-That ($signature.Status -eq 'Valid') "dist\scripts: $($file.Name) is signed: $($signature.Status)"
}
$out = & "$env:SystemRoot\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -ExecutionPolicy AllSigned -File 'dist\scripts\intune\PyCert-RootCA-Detect.ps1'
$last = @($out)[-1]
Assert-That ((@(0, 1) -contains $LASTEXITCODE) -and ($last -match '^(COMPLIANT|NONCOMPLIANT) rootca v1 ')) "the signed RootCA detect script under AllSigned: exit $LASTEXITCODE, '$last'"

# A certificate that needs renewal, made here: a throw-away CA named like the OBN CA (kept in
# CurrentUser\CA, where the import wizard puts intermediates; no Root prompt) issues a leaf with
# a non-exportable CNG key that expires in 30 days. The installed detect script must judge it
# through the real .NET store and print the exact line the one date rule gives (Japan time).
$ca = New-SelfSignedCertificate -Subject 'CN=Online Billing NW Common Root CA, O=PyCert CI' `
    -CertStoreLocation 'Cert:\CurrentUser\My' -KeyUsage CertSign, CRLSign `
    -TextExtension @('2.5.29.19={critical}{text}ca=1') -NotAfter (Get-Date).AddYears(1)
$leaf = New-SelfSignedCertificate -Subject 'CN=0110119153, O=PyCert CI' -Signer $ca `
    -CertStoreLocation 'Cert:\CurrentUser\My' -KeyExportPolicy NonExportable -NotAfter (Get-Date).AddDays(30)
$caStore = [System.Security.Cryptography.X509Certificates.X509Store]::new('CA', 'CurrentUser')
$caStore.Open('ReadWrite')
$caStore.Add([System.Security.Cryptography.X509Certificates.X509Certificate2]::new($ca.RawData))
$caStore.Close()
Remove-Item -Path "Cert:\CurrentUser\My\$($ca.Thumbprint)" -DeleteKey
try {
    $out = & "$env:SystemRoot\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -ExecutionPolicy Bypass -File 'packaging\intune\PyCert-Expiry-Detect.ps1'
    $code = $LASTEXITCODE
    $tokyo = [TimeZoneInfo]::FindSystemTimeZoneById('Tokyo Standard Time')
    $expiresJst = [TimeZoneInfo]::ConvertTimeFromUtc($leaf.NotAfter.ToUniversalTime(), $tokyo)
    $todayJst = [TimeZoneInfo]::ConvertTimeFromUtc([DateTime]::UtcNow, $tokyo)
    $days = ($expiresJst.Date - $todayJst.Date).Days
    $expected = "NONCOMPLIANT expiry v1 certs=1 due=1 | obn cn=0110119153 state=due days=$days " +
        "expires=$($expiresJst.ToString('yyyy-MM-dd')) tp=$($leaf.Thumbprint.Substring(0, 8))"
    $last = @($out)[-1]
    Assert-That (($code -eq 1) -and ($last -ceq $expected)) "seeded certificate: exit $code, '$last' (expected '$expected')"
    $listed = (& $exe list --format json | ConvertFrom-Json).certificates | Where-Object thumbprint -eq $leaf.Thumbprint
    Assert-That ($null -ne $listed -and $listed.has_private_key -eq $true -and $listed.issuer_status -eq 'verified') `
        "pycert list: the seeded certificate has its (non-exportable) key and a verified issuer"
}
finally {
    Remove-Item -Path "Cert:\CurrentUser\My\$($leaf.Thumbprint)" -DeleteKey
    Remove-Item -Path "Cert:\CurrentUser\CA\$($ca.Thumbprint)"
}

# MajorUpgrade: the same app packaged as 99.0.0 installs over it, leaving one product.
$next = Get-ChildItem -Path dist-next -Filter 'PyCert-*-x64.msi' | Select-Object -First 1
Assert-That ($null -ne $next) 'dist-next holds the upgrade MSI'
$code = Invoke-Msiexec @('/i', "`"$($next.FullName)`"", '/qn', '/norestart', '/L*v', "`"$(Join-Path $env:RUNNER_TEMP 'PyCert-upgrade.log')`"")
Assert-That ($code -eq 0) "the upgrade msiexec /i exits 0 (got $code)"
$entries = @(Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*' | Where-Object DisplayName -eq 'PyCert')
Assert-That ($entries.Count -eq 1 -and $entries[0].DisplayVersion -eq '99.0.0') "one PyCert in Programs and Features, version $($entries.DisplayVersion -join ',')"
Assert-That (Test-Path $exe) 'pycert.exe is still installed after the upgrade'
Assert-That (Test-Path $policy) 'the policy file survives the upgrade'

$productCode = $entries[0].PSChildName
Assert-That ($productCode -match '^\{[0-9A-F-]{36}\}$') "PyCert is in Programs and Features ($productCode)"
$code = Invoke-Msiexec @('/x', $productCode, '/qn', '/norestart', '/L*v', "`"$(Join-Path $env:RUNNER_TEMP 'PyCert-uninstall.log')`"")
Assert-That ($code -eq 0) "msiexec /x exits 0 (got $code)"
Assert-That (-not (Test-Path $exe)) 'pycert.exe is gone'
Assert-That (-not (Test-Path $module)) 'the module is gone'
Assert-That ((Get-PyCertShortcut).Count -eq 0) 'the Start-menu shortcut is gone'
Assert-That (Test-Path $policy) 'the policy file stays (Permanent: an admin''s edits survive)'
