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
