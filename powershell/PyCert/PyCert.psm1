#Requires -Version 5.1
# PyCert PowerShell module: thin cmdlets over `pycert.exe ... --format json`.
# Every exe call goes through Invoke-PyCertExe, so Pester can mock one function.
# This file stays ASCII: Windows PowerShell 5.1 reads a BOM-less file in the ANSI code page.

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

#region private helpers

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

function Find-PyCertExe {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($env:PYCERT_EXE) {
        if (Test-Path -LiteralPath $env:PYCERT_EXE -PathType Leaf) { return $env:PYCERT_EXE }
        throw (New-PyCertErrorRecord -Message "PYCERT_EXE is set to '$($env:PYCERT_EXE)', which is not a file; correct the variable or remove it." -ExitCode 2 -Category ObjectNotFound)
    }
    # A 32-bit PowerShell sees C:\Program Files (x86) as ProgramFiles; ProgramW6432 is the real one.
    $programFiles = if ($env:ProgramW6432) { $env:ProgramW6432 } else { $env:ProgramFiles }
    $candidates = @(Join-Path $script:ModuleRoot 'pycert.exe')
    if ($programFiles) { $candidates += Join-Path $programFiles 'PyCert\pycert.exe' }
    foreach ($candidate in $candidates) {
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    $onPath = Get-Command -Name 'pycert.exe', 'pycert' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($onPath) { return $onPath.Path }
    throw (New-PyCertErrorRecord -Message 'PyCert not installed: pycert.exe was not found (PYCERT_EXE, the module folder, C:\Program Files\PyCert, PATH); install the PyCert MSI or set $env:PYCERT_EXE.' -ExitCode 3 -Category ObjectNotFound)
}

function ConvertTo-PyCertArgumentString {
    # Quote each argument the way CommandLineToArgvW (and Python's C runtime) splits them:
    # Windows PowerShell 5.1 has only ProcessStartInfo.Arguments, a single string.
    [CmdletBinding()]
    [OutputType([string])]
    param([AllowEmptyCollection()][string[]]$ArgumentList = @())
    $quoted = foreach ($argument in $ArgumentList) {
        if ($argument -ne '' -and $argument -notmatch '[\s"]') {
            $argument
            continue
        }
        $builder = New-Object System.Text.StringBuilder
        [void]$builder.Append('"')
        $backslashes = 0
        foreach ($ch in $argument.ToCharArray()) {
            if ($ch -eq [char]92) {
                $backslashes++
                continue
            }
            if ($ch -eq [char]34) {
                [void]$builder.Append([char]92, 2 * $backslashes + 1)
            }
            else {
                [void]$builder.Append([char]92, $backslashes)
            }
            [void]$builder.Append($ch)
            $backslashes = 0
        }
        [void]$builder.Append([char]92, 2 * $backslashes)
        [void]$builder.Append('"')
        $builder.ToString()
    }
    @($quoted) -join ' '
}

function ConvertTo-PyCertPropertyName {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][string]$Name)
    $parts = foreach ($part in ($Name -split '_')) {
        if ($part) { $part.Substring(0, 1).ToUpperInvariant() + $part.Substring(1) }
    }
    @($parts) -join ''
}

function ConvertTo-PyCertValue {
    [CmdletBinding()]
    param([AllowNull()][object]$Value, [string]$Name = '', [switch]$KeepNames)
    if ($null -eq $Value) { return $null }
    if ($Value -is [datetime]) {
        # PowerShell 7's ConvertFrom-Json already made a DateTime of the ISO string.
        if ($Value.Kind -eq [System.DateTimeKind]::Utc) { return $Value.ToLocalTime() }
        return $Value
    }
    if ($Value -is [string]) {
        if ($Value -match $script:IsoUtc) {
            $styles = [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal
            return [datetime]::Parse($Value, [System.Globalization.CultureInfo]::InvariantCulture, $styles).ToLocalTime()
        }
        return $Value
    }
    if ($Name -eq 'days_left' -or $Name -eq 'exit_code') { return [int]$Value }
    if ($Value -is [System.Management.Automation.PSCustomObject]) {
        return ConvertTo-PyCertObject -InputObject $Value -TypeName $script:ChildTypeNames[$Name] -KeepNames:$KeepNames
    }
    if ($Value -is [System.Collections.IList]) {
        $typeName = $script:ChildTypeNames[$Name]
        $items = New-Object System.Collections.Generic.List[object]
        foreach ($item in $Value) {
            if ($item -is [System.Management.Automation.PSCustomObject]) {
                $items.Add((ConvertTo-PyCertObject -InputObject $item -TypeName $typeName))
            }
            else {
                $items.Add((ConvertTo-PyCertValue -Value $item))
            }
        }
        return , $items.ToArray()
    }
    $Value
}

function ConvertTo-PyCertObject {
    # JSON object -> PSCustomObject with PascalCase properties, [datetime] dates, [int] days
    # and a PSTypeName (so PyCert.format.ps1xml picks the table view).
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][AllowNull()][object]$InputObject,
        [string]$TypeName,
        [switch]$KeepNames
    )
    if ($null -eq $InputObject) { return $null }
    $properties = [ordered]@{}
    if ($TypeName) { $properties['PSTypeName'] = $TypeName }
    foreach ($property in $InputObject.PSObject.Properties) {
        $name = if ($KeepNames) { $property.Name } else { ConvertTo-PyCertPropertyName -Name $property.Name }
        $isDictionary = $script:DictionaryProperties -contains $property.Name -and
            $property.Value -is [System.Management.Automation.PSCustomObject]
        if ($isDictionary) {
            $entries = [ordered]@{}
            foreach ($entry in $property.Value.PSObject.Properties) {
                $entries[$entry.Name] = ConvertTo-PyCertValue -Value $entry.Value
            }
            $properties[$name] = [pscustomobject]$entries
        }
        else {
            $properties[$name] = ConvertTo-PyCertValue -Value $property.Value -Name $property.Name
        }
    }
    [pscustomobject]$properties
}

function Get-PyCertErrorMessage {
    [CmdletBinding()]
    [OutputType([string])]
    param([string]$StdErr, [object]$Json, [int]$ExitCode)
    $sentences = @($StdErr -split "`r?`n" | Where-Object { $_ -match '^error: ' } | ForEach-Object { $_.Substring(7) })
    if ($sentences.Count -gt 0) { return $sentences -join ' ' }
    if ($null -ne $Json) {
        foreach ($field in 'error', 'summary') {
            $property = $Json.PSObject.Properties[$field]
            if ($property -and $property.Value) { return [string]$property.Value }
        }
    }
    $text = ($StdErr -split "`r?`n" | Where-Object { $_.Trim() }) -join ' '
    if ($text) { return $text }
    "pycert exited with code $ExitCode and gave no reason; rerun the command with --debug."
}

function Invoke-PyCertExe {
    <#
    .SYNOPSIS
    Runs pycert.exe with --format json and returns its exit code and parsed JSON.
    .DESCRIPTION
    The one place the module starts the exe (private; Pester mocks it). A SecureString
    given as -StdinSecret is written to the exe's standard input as UTF-8 and never
    appears on a command line. Exit codes outside -SuccessCode become an ErrorRecord
    carrying the exe's one-sentence message.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][AllowEmptyString()][AllowNull()][string[]]$Command,
        [AllowEmptyCollection()][string[]]$Arguments = @(),
        [string]$ConfigPath,
        [securestring]$StdinSecret,
        [int[]]$SuccessCode = @(0)
    )
    $exe = Find-PyCertExe
    $argv = @()
    if ($ConfigPath) { $argv += '--config', $ConfigPath }
    $argv += @($Command | Where-Object { $_ })
    $argv += $Arguments
    $argv += '--format', 'json'

    $utf8 = New-Object System.Text.UTF8Encoding $false
    $startInfo = New-Object System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = $exe
    $startInfo.Arguments = ConvertTo-PyCertArgumentString -ArgumentList $argv
    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.StandardOutputEncoding = $utf8
    $startInfo.StandardErrorEncoding = $utf8
    # Without these a frozen Python writes to a pipe in the ANSI code page (cp932).
    $startInfo.EnvironmentVariables['PYTHONIOENCODING'] = 'utf-8'
    $startInfo.EnvironmentVariables['PYTHONUTF8'] = '1'

    Write-Verbose ("pycert " + $startInfo.Arguments)
    try {
        $process = [System.Diagnostics.Process]::Start($startInfo)
    }
    catch {
        throw (New-PyCertErrorRecord -Message "pycert.exe at $exe could not be started ($($_.Exception.Message)); reinstall PyCert." -ExitCode 3 -Category ResourceUnavailable)
    }
    try {
        $stderrTask = $process.StandardError.ReadToEndAsync()
        if ($StdinSecret) {
            $bstr = [System.Runtime.InteropServices.Marshal]::SecureStringToBSTR($StdinSecret)
            $bytes = $null
            try {
                $bytes = $utf8.GetBytes([System.Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr))
                $process.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
                $process.StandardInput.BaseStream.Flush()
            }
            finally {
                [System.Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr)
                if ($bytes) { [System.Array]::Clear($bytes, 0, $bytes.Length) }
            }
        }
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        $stderr = $stderrTask.Result
        $exitCode = $process.ExitCode
    }
    finally {
        $process.Dispose()
    }

    $json = $null
    if ($stdout.Trim()) {
        try {
            $json = $stdout | ConvertFrom-Json
        }
        catch {
            $json = $null
        }
    }
    if ($SuccessCode -notcontains $exitCode) {
        $category = switch ($exitCode) {
            1 { 'InvalidResult' }
            2 { 'InvalidArgument' }
            default { 'InvalidOperation' }
        }
        $message = Get-PyCertErrorMessage -StdErr $stderr -Json $json -ExitCode $exitCode
        throw (New-PyCertErrorRecord -Message $message -ExitCode $exitCode -Category $category -TargetObject $json)
    }
    if ($null -eq $json) {
        throw (New-PyCertErrorRecord -Message "pycert $($Command -join ' ') printed no JSON (exit code $exitCode); rerun it with -Verbose and report the output." -ExitCode 3 -Category InvalidData)
    }
    [pscustomobject]@{ ExitCode = $exitCode; Json = $json; StdErr = $stderr }
}

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

function Resolve-PyCertAction {
    # ShouldProcess does not reach an external exe, so -WhatIf becomes the exe's --dry-run.
    # Returns 'run', 'dry-run' or 'skip' (the user answered No to -Confirm).
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Caller,
        [Parameter(Mandatory)][string]$Target,
        [Parameter(Mandatory)][string]$Action
    )
    if ($Caller.ShouldProcess($Target, $Action)) { return 'run' }
    if ($Caller.SessionState.PSVariable.GetValue('WhatIfPreference')) { return 'dry-run' }
    'skip'
}

function Resolve-PyCertFilePath {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Caller, [Parameter(Mandatory)][string]$Path)
    $resolved = $Caller.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
    if (-not (Test-Path -LiteralPath $resolved -PathType Leaf)) {
        throw (New-PyCertErrorRecord -Message "The file $resolved does not exist; check the path." -ExitCode 2 -Category ObjectNotFound -TargetObject $Path)
    }
    $resolved
}

function ConvertTo-PyCertComplianceResult {
    [CmdletBinding()]
    param([Parameter(Mandatory)][object]$Json, [int]$ExitCode)
    $object = ConvertTo-PyCertObject -InputObject $Json -TypeName 'PyCert.ComplianceResult'
    $object | Add-Member -NotePropertyName Compliant -NotePropertyValue ($ExitCode -eq 0)
    if ($object.PSObject.Properties['Checks']) {
        foreach ($inner in @($object.Checks)) {
            if ($inner) {
                $inner.PSObject.TypeNames.Insert(0, 'PyCert.ComplianceResult')
                $inner | Add-Member -NotePropertyName Compliant -NotePropertyValue ($inner.ExitCode -eq 0)
            }
        }
    }
    $object
}

function Write-PyCertRemediationResult {
    [CmdletBinding()]
    param([Parameter(Mandatory)][System.Management.Automation.PSCmdlet]$Caller, [Parameter(Mandatory)][object]$Result)
    $object = ConvertTo-PyCertComplianceResult -Json $Result.Json -ExitCode $Result.ExitCode
    $object
    if ($Result.ExitCode -ne 0) {
        $message = Get-PyCertErrorMessage -StdErr $Result.StdErr -Json $Result.Json -ExitCode $Result.ExitCode
        $Caller.WriteError((New-PyCertErrorRecord -Message $message -ExitCode $Result.ExitCode -Category InvalidResult -TargetObject $object))
    }
}

#endregion

#region public cmdlets

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
    if ($PSBoundParameters.ContainsKey('AsOf')) { $arguments += '--as-of', $AsOf.ToString('yyyy-MM-ddTHH:mm:sszzz', [System.Globalization.CultureInfo]::InvariantCulture) }
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'list' -Arguments $arguments -ConfigPath $ConfigPath
    foreach ($store in @($result.Json.stores)) {
        if ($store -and $store.status -eq 'error') { Write-Warning "$($store.store) could not be read: $($store.error)" }
    }
    foreach ($certificate in @($result.Json.certificates)) {
        if ($certificate) { ConvertTo-PyCertObject -InputObject $certificate -TypeName 'PyCert.Certificate' }
    }
}

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

function Install-PyCertRootCertificate {
    <#
    .SYNOPSIS
    Installs the pinned root CA (Security Communication RootCA2) into Trusted Root.
    .DESCRIPTION
    Runs `pycert remediate rootca`. -Scope Machine (LocalMachine\Root) needs an elevated
    session and shows no dialog; -Scope User (CurrentUser\Root) makes Windows show its
    Security Warning dialog. The certificate is checked against its pinned SHA-256
    before it is added, whatever -Source says. -WhatIf runs --dry-run.
    .PARAMETER Scope
    Machine, User, or Auto (Machine when elevated, else User).
    .PARAMETER Source
    bundled (the copy shipped with PyCert), a .cer/.crt file path, or an https URL.
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Install-PyCertRootCertificate -Scope Machine
    .EXAMPLE
    Install-PyCertRootCertificate -Source .\SCRoot2ca.cer -WhatIf
    .OUTPUTS
    PyCert.ComplianceResult
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('PyCert.ComplianceResult')]
    param(
        [ValidateSet('Machine', 'User', 'Auto')][string]$Scope = 'Auto',
        [string]$Source = 'bundled',
        [string]$ConfigPath
    )
    $sourceArgument = $Source
    if ($Source -ne 'bundled' -and $Source -notmatch '^https?://') {
        try {
            $sourceArgument = Resolve-PyCertFilePath -Caller $PSCmdlet -Path $Source
        }
        catch {
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }
    $mode = Resolve-PyCertAction -Caller $PSCmdlet -Target "Trusted Root ($Scope)" -Action 'Install the pinned root CA certificate'
    if ($mode -eq 'skip') { return }
    $arguments = @('--scope', $Scope.ToLowerInvariant(), '--source', $sourceArgument)
    if ($mode -eq 'dry-run') { $arguments += '--dry-run' }
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'remediate', 'rootca' -Arguments $arguments -ConfigPath $ConfigPath -SuccessCode 0, 1
    Write-PyCertRemediationResult -Caller $PSCmdlet -Result $result
}

function Update-PyCertMpkiClient {
    <#
    .SYNOPSIS
    Brings the Cybertrust Managed PKI Client to the version the policy requires.
    .DESCRIPTION
    Runs `pycert remediate mpki`. The new MSI is obtained and its signature verified
    before the installed client is uninstalled; nothing reboots. Needs an elevated
    64-bit session. Without -MsiPath or -Uri the policy's download address is used.
    -WhatIf runs --dry-run.
    .PARAMETER MsiPath
    A CybertrustManagedPKIClient.msi already on disk.
    .PARAMETER Uri
    Where to download the MSI from (default: the policy's [mpki] url).
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Update-PyCertMpkiClient -WhatIf
    .EXAMPLE
    Update-PyCertMpkiClient -MsiPath D:\CybertrustManagedPKIClient.msi -Confirm:$false
    .OUTPUTS
    PyCert.ComplianceResult
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'Policy')]
    [OutputType('PyCert.ComplianceResult')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'File')][string]$MsiPath,
        [Parameter(Mandatory, ParameterSetName = 'Uri')][uri]$Uri,
        [string]$ConfigPath
    )
    $arguments = @()
    if ($MsiPath) {
        try {
            $arguments += '--msi', (Resolve-PyCertFilePath -Caller $PSCmdlet -Path $MsiPath)
        }
        catch {
            $PSCmdlet.ThrowTerminatingError($_)
        }
    }
    if ($Uri) { $arguments += '--url', $Uri.AbsoluteUri }
    $mode = Resolve-PyCertAction -Caller $PSCmdlet -Target 'Cybertrust Managed PKI Client' -Action 'Uninstall the installed version and install the required one'
    if ($mode -eq 'skip') { return }
    if ($mode -eq 'dry-run') { $arguments += '--dry-run' }
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'remediate', 'mpki' -Arguments $arguments -ConfigPath $ConfigPath -SuccessCode 0, 1
    Write-PyCertRemediationResult -Caller $PSCmdlet -Result $result
}

function Get-PyCertPfxInfo {
    <#
    .SYNOPSIS
    Reads a PFX/P12 file without importing it: what is inside, and whether the password opens it.
    .DESCRIPTION
    Runs `pycert pfx inspect FILE --password-stdin`. The password is passed on the exe's
    standard input, never on a command line.
    .PARAMETER Path
    The .pfx or .p12 file; accepts pipeline input (Get-ChildItem).
    .PARAMETER Password
    The PFX password as a SecureString (Read-Host -AsSecureString).
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    $pw = Read-Host -AsSecureString 'PFX password'
    Get-PyCertPfxInfo -Path .\0110119153.pfx -Password $pw
    .EXAMPLE
    Get-ChildItem D:\backup\*.p12 | Get-PyCertPfxInfo -Password $pw
    .OUTPUTS
    PyCert.PfxInfo
    #>
    [CmdletBinding()]
    [OutputType('PyCert.PfxInfo')]
    param(
        [Parameter(Mandatory, ValueFromPipeline, ValueFromPipelineByPropertyName)][Alias('FullName')][string[]]$Path,
        [Parameter(Mandatory)][securestring]$Password,
        [string]$ConfigPath
    )
    process {
        foreach ($item in $Path) {
            try {
                $file = Resolve-PyCertFilePath -Caller $PSCmdlet -Path $item
                $result = Invoke-PyCertExe -Command 'pfx', 'inspect' -Arguments @($file, '--password-stdin') -StdinSecret $Password -ConfigPath $ConfigPath
                ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.PfxInfo'
            }
            catch {
                $PSCmdlet.WriteError($_)
            }
        }
    }
}

function Import-PyCertPfx {
    <#
    .SYNOPSIS
    Imports a PFX/P12 file the way the OBN manuals require.
    .DESCRIPTION
    Runs `pycert import FILE --password-stdin`: CurrentUser stores, key not exportable,
    no strong key protection, extended properties kept, each certificate routed to My,
    CA or Root. The password goes to the exe on standard input only. -WhatIf runs
    --dry-run (the file is opened and checked, nothing is stored). Each file that fails
    gives a non-terminating error, so the other files in the pipeline still import.
    .PARAMETER Path
    The .pfx or .p12 file; accepts pipeline input (Get-ChildItem).
    .PARAMETER Password
    The PFX password as a SecureString (Read-Host -AsSecureString).
    .PARAMETER ProfileName
    Check the certificate against this policy profile before importing.
    .PARAMETER Machine
    Import into LocalMachine stores (needs an elevated session).
    .PARAMETER Exportable
    Mark the private key exportable (the OBN manual v1.8.0 says not to).
    .PARAMETER Force
    Import even when the same certificate is already in the store.
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    $pw = Read-Host -AsSecureString 'PFX password'
    Import-PyCertPfx -Path .\0110119153.pfx -Password $pw
    .EXAMPLE
    Get-ChildItem *.pfx | Import-PyCertPfx -Password $pw -WhatIf
    .OUTPUTS
    PyCert.ImportResult
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('PyCert.ImportResult')]
    param(
        [Parameter(Mandatory, ValueFromPipeline, ValueFromPipelineByPropertyName)][Alias('FullName')][string[]]$Path,
        [Parameter(Mandatory)][securestring]$Password,
        [Alias('Profile')][string]$ProfileName,
        [switch]$Machine,
        [switch]$Exportable,
        [switch]$Force,
        [string]$ConfigPath
    )
    process {
        foreach ($item in $Path) {
            try {
                $file = Resolve-PyCertFilePath -Caller $PSCmdlet -Path $item
                $location = if ($Machine) { 'LocalMachine' } else { 'CurrentUser' }
                $mode = Resolve-PyCertAction -Caller $PSCmdlet -Target $file -Action "Import into $location certificate stores"
                if ($mode -eq 'skip') { continue }
                $arguments = @($file, '--password-stdin')
                if ($ProfileName) { $arguments += '--profile', $ProfileName }
                if ($Machine) { $arguments += '--machine' }
                if ($Exportable) { $arguments += '--exportable' }
                if ($Force) { $arguments += '--force' }
                if ($mode -eq 'dry-run') { $arguments += '--dry-run' }
                $result = Invoke-PyCertExe -Command 'import' -Arguments $arguments -StdinSecret $Password -ConfigPath $ConfigPath
                ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.ImportResult'
            }
            catch {
                $PSCmdlet.WriteError($_)
            }
        }
    }
}

function Remove-PyCertSupersededCertificate {
    <#
    .SYNOPSIS
    Deletes certificates that a renewed one has replaced (never the newest one).
    .DESCRIPTION
    Runs `pycert cleanup --apply`. Only certificates whose State is 'superseded' (a newer
    certificate for the same subject and profile is in the store) are removed. -WhatIf
    runs `cleanup --dry-run` and lists what would go. Asks for confirmation by default.
    .PARAMETER ProfileName
    Only this profile.
    .PARAMETER KeepKeys
    Remove the certificates but leave their private keys on disk.
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Remove-PyCertSupersededCertificate -WhatIf
    .EXAMPLE
    Remove-PyCertSupersededCertificate -ProfileName obn -Confirm:$false
    .OUTPUTS
    PyCert.CleanupResult
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('PyCert.CleanupResult')]
    param(
        [Alias('Profile')][string]$ProfileName,
        [switch]$KeepKeys,
        [string]$ConfigPath
    )
    $target = if ($ProfileName) { "superseded certificates of profile '$ProfileName'" } else { 'superseded certificates of every enabled profile' }
    $mode = Resolve-PyCertAction -Caller $PSCmdlet -Target $target -Action 'Remove'
    if ($mode -eq 'skip') { return }
    $arguments = @()
    if ($ProfileName) { $arguments += '--profile', $ProfileName }
    if ($KeepKeys) { $arguments += '--keep-keys' }
    if ($mode -eq 'dry-run') { $arguments += '--dry-run' } else { $arguments += '--apply' }
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'cleanup' -Arguments $arguments -ConfigPath $ConfigPath
    ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.CleanupResult'
}

function Get-PyCertRootCertificate {
    <#
    .SYNOPSIS
    Lists the pinned root CA certificates and where each is installed.
    .DESCRIPTION
    Runs `pycert rootca list --format json`.
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Get-PyCertRootCertificate
    .OUTPUTS
    PyCert.RootCertificate
    #>
    [CmdletBinding()]
    [OutputType('PyCert.RootCertificate')]
    param([string]$ConfigPath)
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'rootca', 'list' -ConfigPath $ConfigPath
    ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.RootCertificate'
}

function Get-PyCertMpkiStatus {
    <#
    .SYNOPSIS
    Shows the installed Cybertrust Managed PKI Client and the version the policy requires.
    .DESCRIPTION
    Runs `pycert mpki status --format json` (read-only).
    .PARAMETER ConfigPath
    Policy file to use instead of the default.
    .EXAMPLE
    Get-PyCertMpkiStatus
    .OUTPUTS
    PyCert.MpkiStatus
    #>
    [CmdletBinding()]
    [OutputType('PyCert.MpkiStatus')]
    param([string]$ConfigPath)
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'mpki', 'status' -ConfigPath $ConfigPath
    ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.MpkiStatus'
}

function Get-PyCertPolicy {
    <#
    .SYNOPSIS
    Shows the effective policy: the policy file laid over PyCert's built-in defaults.
    .DESCRIPTION
    Runs `pycert config show --format json`. Source says which file was read (or
    'built-in defaults'); Policy holds the settings, with profile names as written.
    .PARAMETER ConfigPath
    Policy file to read instead of the default.
    .EXAMPLE
    (Get-PyCertPolicy).Policy.Profiles.obn
    .EXAMPLE
    Get-PyCertPolicy -ConfigPath \\server\share\pycert.toml
    .OUTPUTS
    PyCert.Policy
    #>
    [CmdletBinding()]
    [OutputType('PyCert.Policy')]
    param([string]$ConfigPath)
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'config', 'show' -ConfigPath $ConfigPath
    ConvertTo-PyCertObject -InputObject $result.Json -TypeName 'PyCert.Policy'
}

function Test-PyCertEnvironment {
    <#
    .SYNOPSIS
    Checks this terminal before anything else: Windows build, .NET, bitness, account, policy, proxy, OBN reachability, root CA.
    .DESCRIPTION
    Runs `pycert doctor --format json` and returns one PyCert.DoctorCheck per check with
    Status ok, warn or fail, what was found (Message) and what to do (Action). Failed
    checks are results, not errors.
    .PARAMETER ConfigPath
    Policy file to check instead of the default.
    .EXAMPLE
    Test-PyCertEnvironment

    Status Name            Message                                              Action
    ------ ----            -------                                              ------
    ok     os              Windows 11 Pro 23H2 (build 22631.4460): imports ...
    fail   reach-installer https://cert.obn.managedpki.ne.jp/p/s did not ...   These hosts answer only inside ...
    .EXAMPLE
    Test-PyCertEnvironment | Where-Object Status -ne 'ok' | Format-List Name, Message, Action
    .OUTPUTS
    PyCert.DoctorCheck
    #>
    [CmdletBinding()]
    [OutputType('PyCert.DoctorCheck')]
    param([string]$ConfigPath)
    $result = Invoke-PyCertCommand -Caller $PSCmdlet -Command 'doctor' -ConfigPath $ConfigPath -SuccessCode 0, 1
    foreach ($check in @($result.Json.checks)) {
        if ($check) { ConvertTo-PyCertObject -InputObject $check -TypeName 'PyCert.DoctorCheck' }
    }
}

#endregion
