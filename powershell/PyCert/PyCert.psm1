#Requires -Version 5.1
# PyCert PowerShell module: thin cmdlets over `pycert.exe ... --format json`.
# Every exe call goes through Invoke-PyCertExe, so Pester can mock one function.
# Every .ps1/.psm1 of the module stays ASCII: Windows PowerShell 5.1 reads a BOM-less file in
# the ANSI code page.
# Source layout: this file holds the module-level code; each function is a file of its own in
# Private/ (helpers) or Public/ (one exported cmdlet each, file name = cmdlet name). Loaded from
# the source tree, the region at the end dot-sources them into the module scope. The build
# (packaging/buildlib/module.py) replaces that region with their text, so the PyCert.psm1 that
# ships is one file. See powershell/README.md.

# The module folder, where an installed pycert.exe may sit next to the module. Functions read
# it from here: inside a function, $PSScriptRoot is the folder of the file that defines it.
$script:ModuleRoot = $PSScriptRoot
# JSON properties whose value is a name -> object map (policy profiles): their keys are data
# and keep their spelling; every other key becomes PascalCase.
$script:DictionaryProperties = @('profiles')
# Nested arrays that get a type name of their own.
$script:ChildTypeNames = @{
    certificates = 'PyCert.Certificate'
    profiles     = 'PyCert.ProfileResult'
}
$script:IsoUtc = '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$'

#region source loader: the build replaces this region with the text of Private/*.ps1 and Public/*.ps1
foreach ($pyCertFolder in 'Private', 'Public') {
    $pyCertPath = Join-Path $PSScriptRoot $pyCertFolder
    if (-not (Test-Path -LiteralPath $pyCertPath -PathType Container)) {
        throw "PyCert: the folder $pyCertPath is missing; this PyCert.psm1 loads its functions from the Private and Public folders next to it. Restore them, or import a built module."
    }
    # Get-ChildItem -Filter '*.ps1' can also match *.ps1xml (8.3 short names): keep .ps1 only.
    $pyCertFiles = Get-ChildItem -LiteralPath $pyCertPath -Filter '*.ps1' -File | Where-Object { $_.Extension -eq '.ps1' } | Sort-Object -Property Name
    foreach ($pyCertFile in $pyCertFiles) {
        . $pyCertFile.FullName
    }
}
Remove-Variable -Name pyCertFolder, pyCertPath, pyCertFiles, pyCertFile -ErrorAction SilentlyContinue
#endregion source loader
