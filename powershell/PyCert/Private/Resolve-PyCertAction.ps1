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
