#!/usr/bin/env pwsh
# azd preprovision hook: sets AZURE_PRINCIPAL_TYPE (the principalType parameter of
# infra/main.bicep) to the kind of account az is signed in with, unless it is already set.
#
# The deploying principal (AZURE_PRINCIPAL_ID) gets data roles whose assignments carry its
# type; a wrong type fails the deployment. `az account show` says 'user' for a person and
# 'servicePrincipal' for a service principal or managed identity (CI). The hook therefore
# assumes azd and az are signed in as the same principal, as the postdeploy hook does.
# When the type cannot be told (no subscription chosen yet, an unknown answer) the variable
# stays unset and the assignments leave principalType out, so Azure resolves it.
#
# Needs: az (logged in), azd, and AZURE_SUBSCRIPTION_ID (azd passes it to hooks).
# Set the type yourself with: azd env set AZURE_PRINCIPAL_TYPE User|ServicePrincipal|Group
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# az's exit code is checked below; it must not turn into an exception first.
$PSNativeCommandUseErrorActionPreference = $false

if (-not [string]::IsNullOrEmpty($env:AZURE_PRINCIPAL_TYPE)) {
    Write-Host "AZURE_PRINCIPAL_TYPE is $($env:AZURE_PRINCIPAL_TYPE); leaving it as it is."
    exit 0
}

$subscription = $env:AZURE_SUBSCRIPTION_ID
if ([string]::IsNullOrEmpty($subscription)) {
    Write-Warning 'AZURE_SUBSCRIPTION_ID is not set yet, so the principal type is not derived; the role assignments will leave principalType out.'
    exit 0
}

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    [Console]::Error.WriteLine('error: the Azure CLI (az) is required; see "Deploy to Azure" in README.md')
    exit 1
}

$azErrors = (New-TemporaryFile).FullName
try {
    # Windows PowerShell and pwsh before 7.2 turn redirected stderr into errors; here it is data.
    $accountType = & {
        $ErrorActionPreference = 'Continue'
        az account show --subscription $subscription --query 'user.type' --output tsv 2>$azErrors
    }
    $status = $LASTEXITCODE
    if ($status -ne 0) {
        [Console]::Error.WriteLine("error: az account show --subscription $subscription failed (exit $status):")
        [Console]::Error.WriteLine("$(Get-Content -Path $azErrors -Raw)".TrimEnd())
        [Console]::Error.WriteLine('Sign az in to the subscription azd deploys to (az login), then run azd again.')
        exit 1
    }
}
finally {
    Remove-Item -Path $azErrors -Force -ErrorAction SilentlyContinue
}

$accountType = "$accountType".Trim()
$principalType = switch -CaseSensitive ($accountType) {
    'user' { 'User' }
    'servicePrincipal' { 'ServicePrincipal' }
    default { '' }
}
if ($principalType -eq '') {
    Write-Warning "az reports account type '$accountType', which is neither 'user' nor 'servicePrincipal'; the role assignments will leave principalType out."
    exit 0
}

Write-Host "Signed in as a ${accountType}: setting AZURE_PRINCIPAL_TYPE=$principalType."
azd env set AZURE_PRINCIPAL_TYPE $principalType
if ($LASTEXITCODE -ne 0) {
    [Console]::Error.WriteLine('error: azd env set AZURE_PRINCIPAL_TYPE failed')
    exit $LASTEXITCODE
}
