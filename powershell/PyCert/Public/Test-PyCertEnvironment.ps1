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
