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
