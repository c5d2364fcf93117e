function ConvertTo-PyCertPropertyName {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][string]$Name)
    $parts = foreach ($part in ($Name -split '_')) {
        if ($part) { $part.Substring(0, 1).ToUpperInvariant() + $part.Substring(1) }
    }
    @($parts) -join ''
}
