# Puts WiX Toolset 3.14 (candle, light) and signtool on PATH for the next steps of the
# Windows CI job. windows-2022 has WiX 3.14 installed (WIX variable) but not on PATH;
# windows-2025 does not have it, so the binaries zip of the 3.14.1 release is used there.
$ErrorActionPreference = 'Stop'
$wixBin = if ($env:WIX) { Join-Path $env:WIX 'bin' } else { '' }
if (-not ($wixBin -and (Test-Path (Join-Path $wixBin 'candle.exe')))) {
    $zip = Join-Path $env:RUNNER_TEMP 'wix314-binaries.zip'
    $wixBin = Join-Path $env:RUNNER_TEMP 'wix314'
    Invoke-WebRequest -Uri 'https://github.com/wixtoolset/wix3/releases/download/wix3141rtm/wix314-binaries.zip' -OutFile $zip
    Write-Output ("wix314-binaries.zip SHA-256 {0}" -f (Get-FileHash -Algorithm SHA256 $zip).Hash)
    Expand-Archive -Path $zip -DestinationPath $wixBin -Force
}
$signtool = Get-ChildItem -Path "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" |
    Sort-Object { [version]$_.Directory.Parent.Name } -Descending | Select-Object -First 1
if (-not $signtool) { throw 'signtool.exe (Windows SDK) was not found under Windows Kits\10\bin.' }
Write-Output "WiX: $wixBin"
Write-Output "signtool: $($signtool.FullName)"
Add-Content -Path $env:GITHUB_PATH -Value $wixBin
Add-Content -Path $env:GITHUB_PATH -Value $signtool.Directory.FullName
