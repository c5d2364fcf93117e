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
