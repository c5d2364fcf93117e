# Pester 5 tests for the PyCert module. The exe runner (Invoke-PyCertExe) is mocked with
# JSON captured from real pycert runs (fixtures/*.json); everything else is the module's own
# code. Run on Windows: Invoke-Pester -Path .\powershell\tests -Output Detailed
# (docs/windows-acceptance.md, W-PS-1).
# By default they import the source tree (PyCert.psm1 dot-sources Private\ and Public\). To test
# the merged module the MSI ships, pass its manifest (python packaging/build.py stages it in
# build\msi\module):
#   $data = @{ ModuleManifest = '.\build\msi\module\PyCert.psd1' }
#   Invoke-Pester -Container (New-PesterContainer -Path .\powershell\tests -Data $data) -Output Detailed

param(
    [string]$ModuleManifest
)

BeforeAll {
    $script:ModuleManifest = if ($ModuleManifest) { $ModuleManifest } else { Join-Path $PSScriptRoot '..\PyCert\PyCert.psd1' }
    Import-Module $script:ModuleManifest -Force
    $script:Fixtures = Join-Path $PSScriptRoot 'fixtures'
    $script:ListJson = Get-Content -Raw -Encoding UTF8 (Join-Path $script:Fixtures 'list.json')
    $script:DetectJson = Get-Content -Raw -Encoding UTF8 (Join-Path $script:Fixtures 'detect-expiry.json')
    $script:DoctorJson = Get-Content -Raw -Encoding UTF8 (Join-Path $script:Fixtures 'doctor.json')
    $script:PolicyJson = Get-Content -Raw -Encoding UTF8 (Join-Path $script:Fixtures 'config-show.json')
    $script:Password = ConvertTo-SecureString 'pester-secret-4821' -AsPlainText -Force
}

AfterAll {
    Remove-Module PyCert -Force -ErrorAction SilentlyContinue
}

Describe 'module surface' {
    It 'exports exactly the public cmdlets' {
        $expected = @(
            'Get-PyCertCertificate', 'Get-PyCertMpkiStatus', 'Get-PyCertPfxInfo', 'Get-PyCertPolicy',
            'Get-PyCertRootCertificate', 'Import-PyCertPfx', 'Install-PyCertRootCertificate',
            'Remove-PyCertSupersededCertificate', 'Repair-PyCertCompliance', 'Test-PyCertCompliance',
            'Test-PyCertEnvironment', 'Update-PyCertMpkiClient'
        )
        (Get-Command -Module PyCert | Select-Object -ExpandProperty Name | Sort-Object) | Should -Be ($expected | Sort-Object)
    }

    It 'asks before removals (ConfirmImpact High) and supports -WhatIf on every state change' {
        foreach ($name in 'Import-PyCertPfx', 'Install-PyCertRootCertificate', 'Update-PyCertMpkiClient', 'Remove-PyCertSupersededCertificate', 'Repair-PyCertCompliance') {
            (Get-Command $name).Parameters.ContainsKey('WhatIf') | Should -BeTrue
        }
        $binding = (Get-Command Remove-PyCertSupersededCertificate).ScriptBlock.Attributes |
            Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
        $binding.ConfirmImpact | Should -Be 'High'
    }

    It 'has help with examples for every cmdlet' {
        foreach ($command in Get-Command -Module PyCert) {
            $help = Get-Help $command.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            @($help.Examples.Example).Count | Should -BeGreaterThan 0
        }
    }
}

Describe 'Get-PyCertCertificate' {
    BeforeEach {
        Mock -ModuleName PyCert Invoke-PyCertExe {
            [pscustomobject]@{ ExitCode = 0; Json = ($script:ListJson | ConvertFrom-Json); StdErr = '' }
        }
    }

    It 'runs list and returns typed certificates' {
        $certificates = @(Get-PyCertCertificate -ProfileName obn)
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter {
            ($Command -join ' ') -eq 'list' -and ($Arguments -join ' ') -eq '--profile obn'
        }
        $certificates.Count | Should -BeGreaterThan 0
        $certificates[0].PSObject.TypeNames[0] | Should -Be 'PyCert.Certificate'
        $certificates[0].DaysLeft | Should -BeOfType [int]
        $certificates[0].NotAfter | Should -BeOfType [datetime]
        $certificates[0].NotAfter.Kind | Should -Be 'Local'
        $certificates[0].Thumbprint | Should -Match '^[0-9A-F]{40}$'
        $certificates[0].HasPrivateKey | Should -BeNullOrEmpty
    }

    It 'filters in the pipeline by State' {
        $due = @(Get-PyCertCertificate | Where-Object State -eq 'due')
        $due.Count | Should -Be 1
        $due[0].CommonName | Should -Be '0110119153'
    }

    It 'passes -AsOf as UTC whatever the DateTime Kind, and -All as --all' {
        # 'zzz' printed the local offset even for a UTC DateTime (a 9-hour error in Japan)
        $utc = [datetime]::SpecifyKind([datetime]'2027-01-01T00:00:00', 'Utc')
        $null = Get-PyCertCertificate -All -AsOf $utc
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter {
            $Arguments[0] -eq '--all' -and $Arguments[1] -eq '--as-of' -and $Arguments[2] -eq '2027-01-01T00:00:00Z'
        }
        $local = [datetime]::SpecifyKind([datetime]'2027-01-01T09:00:00', 'Local')
        $null = Get-PyCertCertificate -All -AsOf $local
        $expected = $local.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture)
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter { $Arguments[2] -eq $expected }
    }

    It 'returns the MPKI status when an upgrade is needed (exit 1), not an error' {
        Mock -ModuleName PyCert Invoke-PyCertExe {
            [pscustomobject]@{ ExitCode = 1; Json = ([pscustomobject]@{ installed = '2.1.0'; required = '2.2.0' }); StdErr = '' }
        } -ParameterFilter { ($Command -join ' ') -eq 'mpki status' }
        $status = Get-PyCertMpkiStatus
        $status.Installed | Should -Be '2.1.0'
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter {
            ($Command -join ' ') -eq 'mpki status' -and ($SuccessCode -join ',') -eq '0,1'
        }
    }

    It 'turns an exe failure into a terminating error with the exe sentence' {
        Mock -ModuleName PyCert Invoke-PyCertExe {
            throw (& (Get-Module PyCert) { New-PyCertErrorRecord -Message 'The policy file C:\nope.toml does not exist; create it or pass a correct --config path.' -ExitCode 2 -Category InvalidArgument })
        }
        $failure = { Get-PyCertCertificate -ConfigPath 'C:\nope.toml' } | Should -Throw -PassThru
        $failure.Exception.Message | Should -Be 'The policy file C:\nope.toml does not exist; create it or pass a correct --config path.'
        $failure.FullyQualifiedErrorId | Should -Match '^PyCert.Exit2'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Test-PyCertCompliance' {
    It 'treats exit 1 as an answer, not an error' {
        Mock -ModuleName PyCert Invoke-PyCertExe {
            [pscustomobject]@{ ExitCode = 1; Json = ($script:DetectJson | ConvertFrom-Json); StdErr = '' }
        }
        $result = Test-PyCertCompliance -Check expiry -ErrorAction Stop
        $result.Compliant | Should -BeFalse
        $result.Verdict | Should -Be 'noncompliant'
        $result.PSObject.TypeNames[0] | Should -Be 'PyCert.ComplianceResult'
        $result.Summary | Should -Match '^NONCOMPLIANT expiry v1 '
        @($result.Certificates)[0].PSObject.TypeNames[0] | Should -Be 'PyCert.Certificate'
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter {
            ($Command -join ' ') -eq 'detect expiry' -and ($SuccessCode -join ',') -eq '0,1'
        }
        Test-PyCertCompliance -Check expiry -Quiet | Should -BeFalse
    }

    It 'runs every enabled check without -Check' {
        Mock -ModuleName PyCert Invoke-PyCertExe {
            [pscustomobject]@{ ExitCode = 0; Json = ('{"check":"all","verdict":"compliant","exit_code":0,"summary":"COMPLIANT all v1 expiry=compliant","checks":[]}' | ConvertFrom-Json); StdErr = '' }
        }
        Test-PyCertCompliance -Quiet | Should -BeTrue
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter {
            @($Command | Where-Object { $_ }).Count -eq 1 -and $Command[0] -eq 'detect'
        }
    }

    It 'refuses -ProfileName without -Check expiry before running anything' {
        Mock -ModuleName PyCert Invoke-PyCertExe { throw 'must not run' }
        { Test-PyCertCompliance -ProfileName obn } | Should -Throw '*-ProfileName applies only to -Check expiry*'
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 0 -Exactly
    }
}

Describe 'Import-PyCertPfx' {
    BeforeEach {
        $script:PfxA = New-Item -ItemType File -Path (Join-Path $TestDrive 'a.pfx') -Force
        $script:PfxB = New-Item -ItemType File -Path (Join-Path $TestDrive 'b.pfx') -Force
        Mock -ModuleName PyCert Invoke-PyCertExe {
            [pscustomobject]@{ ExitCode = 0; Json = ('{"file":"x","imported":[]}' | ConvertFrom-Json); StdErr = '' }
        }
    }

    It 'gives the password on stdin only and turns -WhatIf into --dry-run' {
        $null = Import-PyCertPfx -Path $script:PfxA.FullName -Password $script:Password -WhatIf
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter {
            $Command -eq 'import' -and $Arguments[0] -eq $script:PfxA.FullName -and
            $Arguments -contains '--password-stdin' -and $Arguments -contains '--dry-run' -and
            $StdinSecret -is [securestring] -and -not (($Arguments -join ' ') -match 'pester-secret')
        }
    }

    It 'imports every file from Get-ChildItem, without --dry-run when confirmed' {
        $null = Get-ChildItem (Join-Path $TestDrive '*.pfx') | Import-PyCertPfx -Password $script:Password -Confirm:$false
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 2 -Exactly -ParameterFilter {
            $Arguments -notcontains '--dry-run' -and $Arguments -notcontains '--exportable'
        }
    }

    It 'passes the manual options only when asked' {
        $null = Import-PyCertPfx -Path $script:PfxA.FullName -Password $script:Password -Machine -Exportable -Force -ProfileName obn -Confirm:$false
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter {
            ($Arguments[1..($Arguments.Count - 1)] -join ' ') -eq '--password-stdin --profile obn --machine --exportable --force'
        }
    }

    It 'keeps going after a file fails, with a non-terminating error' {
        Mock -ModuleName PyCert Invoke-PyCertExe -ParameterFilter { $Arguments[0] -like '*a.pfx' } {
            throw (& (Get-Module PyCert) { New-PyCertErrorRecord -Message 'a.pfx: the password is wrong; check the number chosen when it was downloaded.' -ExitCode 2 -Category InvalidArgument })
        }
        $results = @(Get-ChildItem (Join-Path $TestDrive '*.pfx') | Import-PyCertPfx -Password $script:Password -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 1
        $failures.Count | Should -Be 1
        $failures[0].Exception.Message | Should -Match 'password is wrong'
    }

    It 'reports a missing file without running the exe' {
        $null = Import-PyCertPfx -Path (Join-Path $TestDrive 'missing.pfx') -Password $script:Password -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].Exception.Message | Should -Match 'does not exist'
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 0 -Exactly
    }
}

Describe 'state-changing cmdlets map -WhatIf to --dry-run' {
    BeforeEach {
        Mock -ModuleName PyCert Invoke-PyCertExe {
            [pscustomobject]@{ ExitCode = 0; Json = ('{"check":"x","verdict":"remediated","exit_code":0,"summary":"REMEDIATED x v1"}' | ConvertFrom-Json); StdErr = '' }
        }
    }

    It 'Remove-PyCertSupersededCertificate: --dry-run with -WhatIf, --apply when confirmed' {
        $null = Remove-PyCertSupersededCertificate -ProfileName obn -WhatIf
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter {
            $Command -eq 'cleanup' -and ($Arguments -join ' ') -eq '--profile obn --dry-run'
        }
        $null = Remove-PyCertSupersededCertificate -KeepKeys -Confirm:$false
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter {
            ($Arguments -join ' ') -eq '--keep-keys --apply'
        }
    }

    It 'Install-PyCertRootCertificate passes scope and source' {
        $null = Install-PyCertRootCertificate -Scope Machine -WhatIf
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter {
            ($Command -join ' ') -eq 'remediate rootca' -and ($Arguments -join ' ') -eq '--scope machine --source bundled --dry-run'
        }
    }

    It 'Update-PyCertMpkiClient passes --url' {
        $null = Update-PyCertMpkiClient -Uri 'https://127.0.0.1:8443/p/s' -Confirm:$false
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter {
            ($Command -join ' ') -eq 'remediate mpki' -and ($Arguments -join ' ') -eq '--url https://127.0.0.1:8443/p/s'
        }
    }

    It 'Repair-PyCertCompliance returns the result and a non-terminating error when incomplete' {
        Mock -ModuleName PyCert Invoke-PyCertExe {
            [pscustomobject]@{ ExitCode = 1; Json = ('{"check":"rootca","verdict":"noncompliant","exit_code":1,"summary":"NONCOMPLIANT rootca v1 missing=1"}' | ConvertFrom-Json); StdErr = '' }
        }
        $result = Repair-PyCertCompliance -Check rootca -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $result.Compliant | Should -BeFalse
        $failures.Count | Should -Be 1
        $failures[0].Exception.Message | Should -Be 'NONCOMPLIANT rootca v1 missing=1'
    }
}

Describe 'Test-PyCertEnvironment and Get-PyCertPolicy' {
    It 'returns one DoctorCheck per check and treats exit 1 as an answer' {
        Mock -ModuleName PyCert Invoke-PyCertExe {
            [pscustomobject]@{ ExitCode = 1; Json = ($script:DoctorJson | ConvertFrom-Json); StdErr = '' }
        }
        $checks = @(Test-PyCertEnvironment -ErrorAction Stop)
        $checks.Count | Should -Be 11
        $checks[0].PSObject.TypeNames[0] | Should -Be 'PyCert.DoctorCheck'
        $checks.Status | Should -Contain 'fail'
        Should -Invoke Invoke-PyCertExe -ModuleName PyCert -Times 1 -Exactly -ParameterFilter { $Command -eq 'doctor' }
    }

    It 'keeps profile names as written' {
        Mock -ModuleName PyCert Invoke-PyCertExe {
            [pscustomobject]@{ ExitCode = 0; Json = ($script:PolicyJson | ConvertFrom-Json); StdErr = '' }
        }
        $policy = Get-PyCertPolicy
        $policy.PSObject.Properties.Name | Should -Contain 'Source'
        $policy.Policy.Profiles.PSObject.Properties.Name | Should -Contain 'obn'
        $policy.Policy.Profiles.PSObject.Properties.Name -ccontains 'obn' | Should -BeTrue
        $policy.Policy.Profiles.obn.RenewalWindowDays | Should -Be 90
    }
}

Describe 'private helpers' {
    It 'quotes arguments the way CommandLineToArgvW splits them' {
        InModuleScope PyCert {
            ConvertTo-PyCertArgumentString -ArgumentList @('list', 'a b', 'say "hi"', 'C:\dir with space\', '') |
                Should -Be 'list "a b" "say \"hi\"" "C:\dir with space\\" ""'
        }
    }

    It 'turns snake_case into PascalCase and ISO dates into local [datetime]' {
        InModuleScope PyCert {
            ConvertTo-PyCertPropertyName -Name 'has_private_key' | Should -Be 'HasPrivateKey'
            $value = ConvertTo-PyCertValue -Value '2027-01-05T16:58:32Z' -Name 'not_after'
            $value | Should -BeOfType [datetime]
            $value.ToUniversalTime() | Should -Be ([datetime]::SpecifyKind([datetime]'2027-01-05T16:58:32', 'Utc'))
        }
    }

    It 'knows the module folder (where an installed pycert.exe may sit), whichever file defines the function' {
        $moduleBase = (Get-Module PyCert).ModuleBase
        InModuleScope PyCert { $script:ModuleRoot } | Should -Be $moduleBase
    }

    It 'finds the exe through PYCERT_EXE and names a wrong one' {
        InModuleScope PyCert {
            $saved = $env:PYCERT_EXE
            try {
                $fake = New-Item -ItemType File -Path 'TestDrive:\pycert.exe' -Force
                $env:PYCERT_EXE = $fake.FullName
                Find-PyCertExe | Should -Be $fake.FullName
                $env:PYCERT_EXE = Join-Path $fake.DirectoryName 'nope.exe'
                { Find-PyCertExe } | Should -Throw '*PYCERT_EXE is set to*'
            }
            finally {
                $env:PYCERT_EXE = $saved
            }
        }
    }

    It 'runs a real pycert.exe when one is installed (W-PS-2)' -Skip:(-not (Test-Path 'C:\Program Files\PyCert\pycert.exe')) {
        $certificates = @(Get-PyCertCertificate -All)
        foreach ($certificate in $certificates) { $certificate.DaysLeft | Should -BeOfType [int] }
        Test-PyCertEnvironment | Should -Not -BeNullOrEmpty
    }
}
