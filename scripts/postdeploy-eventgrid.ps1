#!/usr/bin/env pwsh
# azd postdeploy hook: subscribes the ClassifyCameraImage blob trigger to BlobCreated events
# of the camera-images container, through the function app's blob webhook.
#
# The webhook needs the blobs_extension system key, which exists only after the code is
# deployed, so this runs after `azd deploy`. It deploys infra/eventgrid.bicep with fixed
# names, so running it again updates the same subscription.
#
# Needs: az (logged in to the same subscription as azd) and the azd environment values
# AZURE_SUBSCRIPTION_ID (azd's own), AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME,
# AZURE_EVENTGRID_SYSTEM_TOPIC_NAME and CAMERA_IMAGES_CONTAINER_NAME (outputs of
# infra/main.bicep); azd passes them to hooks. Every az call names the subscription, so the
# hook never acts on whichever subscription az happens to have selected.
#
# The host creates the key shortly after deploy, so the hook looks for it again while it is
# missing (or while the host answers "service unavailable"); any other az failure (sign-in,
# subscription, app not found) is printed and ends the hook at once. Optional settings:
#   POSTDEPLOY_KEY_ATTEMPTS       how many times to look for the key (default 30)
#   POSTDEPLOY_KEY_DELAY_SECONDS  seconds between two looks (default 10)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# az's exit codes are checked below; they must not turn into exceptions first.
$PSNativeCommandUseErrorActionPreference = $false

$template = Join-Path $PSScriptRoot '..' 'infra' 'eventgrid.bicep'

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    [Console]::Error.WriteLine('error: the Azure CLI (az) is required; see "Deploy to Azure" in README.md')
    exit 1
}

if ([string]::IsNullOrEmpty($env:AZURE_SUBSCRIPTION_ID)) {
    [Console]::Error.WriteLine('error: AZURE_SUBSCRIPTION_ID is not set; azd sets it for hooks (run by hand after loading `azd env get-values`)')
    exit 1
}
foreach ($name in 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'AZURE_EVENTGRID_SYSTEM_TOPIC_NAME') {
    if ([string]::IsNullOrEmpty([Environment]::GetEnvironmentVariable($name))) {
        [Console]::Error.WriteLine("error: $name is not set; run 'azd provision' first")
        exit 1
    }
}
$subscription = $env:AZURE_SUBSCRIPTION_ID
$resourceGroup = $env:AZURE_RESOURCE_GROUP
$appName = $env:AZURE_FUNCTION_APP_NAME
$topicName = $env:AZURE_EVENTGRID_SYSTEM_TOPIC_NAME
$container = if ([string]::IsNullOrEmpty($env:CAMERA_IMAGES_CONTAINER_NAME)) { 'camera-images' } else { $env:CAMERA_IMAGES_CONTAINER_NAME }

$attempts = 30
$delay = 10
if (-not [string]::IsNullOrEmpty($env:POSTDEPLOY_KEY_ATTEMPTS) -and -not [int]::TryParse($env:POSTDEPLOY_KEY_ATTEMPTS, [ref]$attempts)) { $attempts = 0 }
if (-not [string]::IsNullOrEmpty($env:POSTDEPLOY_KEY_DELAY_SECONDS) -and -not [int]::TryParse($env:POSTDEPLOY_KEY_DELAY_SECONDS, [ref]$delay)) { $delay = -1 }
if ($attempts -lt 1 -or $delay -lt 0) {
    [Console]::Error.WriteLine('error: POSTDEPLOY_KEY_ATTEMPTS must be a positive whole number and POSTDEPLOY_KEY_DELAY_SECONDS a whole number')
    exit 1
}

$listKeysUrl = "https://management.azure.com/subscriptions/$subscription/resourceGroups/$resourceGroup/providers/Microsoft.Web/sites/$appName/host/default/listkeys?api-version=2024-04-01"
$azErrors = (New-TemporaryFile).FullName

# Prints the failed az command's error output. Returns when the host said it is not up yet
# (the key may come on a later look); exits the hook for every other failure.
function Resolve-AzFailure([string] $Command, [int] $Status) {
    $text = Get-Content -Path $azErrors -Raw
    if ($null -eq $text) { $text = '' }
    if ($text -match 'ServiceUnavailable|Service Unavailable|BadGateway|Bad Gateway|GatewayTimeout|Gateway Timeout|TooManyRequests|Too Many Requests') {
        [Console]::Error.WriteLine("$Command failed (exit $Status); the host may still be starting:")
        [Console]::Error.WriteLine($text.TrimEnd())
        return
    }
    [Console]::Error.WriteLine("error: $Command failed (exit $Status):")
    [Console]::Error.WriteLine($text.TrimEnd())
    Remove-Item -Path $azErrors -Force -ErrorAction SilentlyContinue
    exit 1
}

# Looks for the key once: returns it, or '' while the host has not created it.
function Read-BlobsExtensionKey {
    # Windows PowerShell and pwsh before 7.2 turn redirected stderr into errors; here it is data.
    $ErrorActionPreference = 'Continue'
    $found = az functionapp keys list --subscription $subscription --resource-group $resourceGroup --name $appName `
        --query 'systemKeys.blobs_extension' --output tsv 2>$azErrors
    if ($LASTEXITCODE -ne 0) {
        Resolve-AzFailure 'az functionapp keys list' $LASTEXITCODE
        return ''
    }
    if (-not [string]::IsNullOrWhiteSpace("$found")) {
        return "$found".Trim()
    }

    # keys list wraps the host's listkeys; ask it directly in case this az version drops
    # system keys from its answer.
    $found = az rest --subscription $subscription --method post --url $listKeysUrl `
        --query 'systemKeys.blobs_extension' --output tsv 2>$azErrors
    if ($LASTEXITCODE -ne 0) {
        Resolve-AzFailure 'az rest (host listkeys)' $LASTEXITCODE
        return ''
    }
    return "$found".Trim()
}

# The host creates the key when it first indexes the blob trigger after deploy: wait for it.
$key = ''
for ($attempt = 1; $attempt -le $attempts; $attempt++) {
    $key = Read-BlobsExtensionKey
    if (-not [string]::IsNullOrEmpty($key)) {
        break
    }
    if ($attempt -lt $attempts) {
        Write-Host "Waiting for the blobs_extension key of $appName (attempt $attempt/$attempts)..."
        Start-Sleep -Seconds $delay
    }
}
Remove-Item -Path $azErrors -Force -ErrorAction SilentlyContinue
if ([string]::IsNullOrEmpty($key)) {
    [Console]::Error.WriteLine("error: no blobs_extension system key on $appName after $attempts attempts; is ClassifyCameraImage deployed?")
    exit 1
}
if ($key -notmatch '^[A-Za-z0-9_=-]+$') {
    [Console]::Error.WriteLine('error: unexpected characters in the blobs_extension key')
    exit 1
}

# Pass the key in a parameters file rather than on the command line, where any local user
# could read it from the process list.
$paramsFile = New-TemporaryFile
try {
    @{
        '$schema'      = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#'
        contentVersion = '1.0.0.0'
        parameters     = @{ blobsExtensionKey = @{ value = $key } }
    } | ConvertTo-Json -Depth 5 | Set-Content -Path $paramsFile -Encoding utf8NoBOM

    Write-Host "Subscribing $appName/ClassifyCameraImage to new blobs in $container..."
    az deployment group create `
        --subscription $subscription `
        --resource-group $resourceGroup `
        --name 'eventgrid-camera-images' `
        --template-file $template `
        --parameters "@$paramsFile" `
        --parameters "functionAppName=$appName" "systemTopicName=$topicName" "containerName=$container" `
        --output none
    if ($LASTEXITCODE -ne 0) {
        $status = $LASTEXITCODE
        [Console]::Error.WriteLine("error: az deployment group create failed (exit $status); its error is above")
        exit $status
    }
}
finally {
    Remove-Item -Path $paramsFile -Force -ErrorAction SilentlyContinue
}

Write-Host "Event Grid subscription 'classify-camera-images' is in place."
