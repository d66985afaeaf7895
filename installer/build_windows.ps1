<#
.SYNOPSIS
  Build Tag Genius for Windows: PyInstaller onedir, optional code signing, Inno Setup installer.

.DESCRIPTION
  Output: dist\taggenius\taggenius.exe and dist\TagGenius-<version>-windows-x64-setup.exe.

  Signing (optional; without it the build is UNSIGNED and SmartScreen/Defender will warn):
    WINDOWS_CERT_FILE + WINDOWS_CERT_PASSWORD   a .pfx file and its password, or
    WINDOWS_CERT_BASE64 + WINDOWS_CERT_PASSWORD the .pfx as base64 (a CI secret), or
    WINDOWS_CERT_THUMBPRINT                     a certificate already in the store (SHA-1)
    WINDOWS_TIMESTAMP_URL                       RFC 3161 server (default DigiCert's)
  Other:
    PYTHON                      interpreter with the project and pyinstaller (default: python)
    TAGGENIUS_SKIP_SELFTEST=1   do not run the built app's --self-test
    ISCC                        path to ISCC.exe if it is not in PATH or Program Files
#>
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Set-Location (Join-Path $PSScriptRoot '..')

function Step($text) { Write-Host "== $text" }
function Invoke-Checked([string]$exe, [string[]]$arguments) {
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { throw "$exe exited with $LASTEXITCODE" }
}

$python = if ($env:PYTHON) { $env:PYTHON } else { 'python' }
$init = Get-Content 'taggenius_desktop\__init__.py' -Raw
if ($init -notmatch '(?m)^__version__\s*=\s*"([^"]+)"') { throw 'no __version__ in taggenius_desktop\__init__.py' }
$version = $Matches[1]
$numeric = (($version -split '[^0-9.]')[0]).TrimEnd('.')
$exe = 'dist\taggenius\taggenius.exe'

# --- build ------------------------------------------------------------------------------
Remove-Item -Recurse -Force 'dist\taggenius' -ErrorAction SilentlyContinue
$watch = [Diagnostics.Stopwatch]::StartNew()
Invoke-Checked $python @('-m', 'PyInstaller', '--noconfirm', '--clean', '--log-level', 'WARN', 'build.spec')
$size = (Get-ChildItem 'dist\taggenius' -Recurse -File | Measure-Object Length -Sum).Sum / 1MB
Step ("built {0} in {1:n0} s, {2:n0} MB" -f $exe, $watch.Elapsed.TotalSeconds, $size)

# --- self-test ---------------------------------------------------------------------------
# The exe is windowed (no console): PowerShell would not wait for it and it has no stdout,
# so wait explicitly and read the report from a file.
function Invoke-SelfTest([string]$path) {
    $report = Join-Path $env:TEMP ("taggenius-selftest-{0}.txt" -f [guid]::NewGuid())
    $env:TAGGENIUS_SELFTEST_REPORT = $report
    try {
        $process = Start-Process -FilePath $path -ArgumentList '--self-test' -Wait -PassThru -NoNewWindow
        if (Test-Path $report) { Get-Content $report | Write-Host }
        if ($process.ExitCode -ne 0) { throw "self-test of $path failed (exit code $($process.ExitCode))" }
    } finally {
        Remove-Item Env:\TAGGENIUS_SELFTEST_REPORT -ErrorAction SilentlyContinue
        Remove-Item $report -ErrorAction SilentlyContinue
    }
    $left = Get-CimInstance Win32_Process | Where-Object { $_.ExecutablePath -eq (Resolve-Path $path).Path }
    if ($left) { throw "processes of $path still running after the self-test: $($left.ProcessId -join ', ')" }
}
if ($env:TAGGENIUS_SKIP_SELFTEST -ne '1') { Step 'self-test'; Invoke-SelfTest $exe }

# --- signing -----------------------------------------------------------------------------
function Find-SignTool {
    $cmd = Get-Command signtool.exe -ErrorAction SilentlyContinue
    if ($cmd) { return $cmd.Source }
    $kits = Join-Path ${env:ProgramFiles(x86)} 'Windows Kits\10\bin'
    $found = Get-ChildItem $kits -Recurse -Filter signtool.exe -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -match '\\x64\\' } | Sort-Object FullName -Descending | Select-Object -First 1
    if (-not $found) { throw 'signtool.exe not found (install the Windows SDK)' }
    return $found.FullName
}

$signArgs = $null
$tempPfx = $null
if ($env:WINDOWS_CERT_BASE64) {
    $tempPfx = Join-Path $env:TEMP ("taggenius-{0}.pfx" -f [guid]::NewGuid())
    [IO.File]::WriteAllBytes($tempPfx, [Convert]::FromBase64String($env:WINDOWS_CERT_BASE64))
    $signArgs = @('/f', $tempPfx, '/p', $env:WINDOWS_CERT_PASSWORD)
} elseif ($env:WINDOWS_CERT_FILE) {
    $signArgs = @('/f', $env:WINDOWS_CERT_FILE, '/p', $env:WINDOWS_CERT_PASSWORD)
} elseif ($env:WINDOWS_CERT_THUMBPRINT) {
    $signArgs = @('/sha1', $env:WINDOWS_CERT_THUMBPRINT)
}
$timestamp = if ($env:WINDOWS_TIMESTAMP_URL) { $env:WINDOWS_TIMESTAMP_URL } else { 'http://timestamp.digicert.com' }

function Invoke-Sign([string[]]$files) {
    if (-not $signArgs) { return }
    $signtool = Find-SignTool
    Invoke-Checked $signtool (@('sign', '/fd', 'SHA256', '/tr', $timestamp, '/td', 'SHA256', '/d', 'Tag Genius') + $signArgs + $files)
    Invoke-Checked $signtool (@('verify', '/pa') + $files)
}

try {
    if ($signArgs) {
        Step 'signing the executable'
        Invoke-Sign @($exe)
    } else {
        Write-Warning 'No signing certificate (WINDOWS_CERT_FILE, WINDOWS_CERT_BASE64 or WINDOWS_CERT_THUMBPRINT): building an UNSIGNED installer. SmartScreen will warn users.'
    }

    # --- installer -------------------------------------------------------------------------
    $iscc = $env:ISCC
    if (-not $iscc) {
        $cmd = Get-Command ISCC.exe -ErrorAction SilentlyContinue
        $iscc = if ($cmd) { $cmd.Source } else { Join-Path ${env:ProgramFiles(x86)} 'Inno Setup 6\ISCC.exe' }
    }
    if (-not (Test-Path $iscc)) { throw "Inno Setup's ISCC.exe not found (choco install innosetup, or set ISCC)" }
    Step "Inno Setup: $iscc"
    Invoke-Checked $iscc @("/DAppVersion=$version", "/DNumericVersion=$numeric", '/Q', 'installer\windows\taggenius.iss')
    $setup = "dist\TagGenius-$version-windows-x64-setup.exe"
    if (-not (Test-Path $setup)) { throw "Inno Setup did not produce $setup" }
    Invoke-Sign @($setup)
} finally {
    if ($tempPfx) { Remove-Item $tempPfx -Force -ErrorAction SilentlyContinue }
}

$state = if ($signArgs) { 'signed' } else { 'UNSIGNED' }
Step "DONE: $setup ($state)"
