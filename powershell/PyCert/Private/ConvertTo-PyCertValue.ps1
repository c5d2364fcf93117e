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
