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
