#!/usr/bin/env pwsh
# azd postdeploy hook: subscribes the ClassifyCameraImage blob trigger to BlobCreated events
# of the camera-images container, through the function app's blob webhook.
#
# The webhook needs the blobs_extension system key, which exists only after the code is
# deployed, so this runs after `azd deploy`. It deploys infra/eventgrid.bicep with fixed
# names, so running it again updates the same subscription.
#
# Needs: az (logged in to the same subscription as azd) and the azd environment values
# AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME, AZURE_EVENTGRID_SYSTEM_TOPIC_NAME and
# CAMERA_IMAGES_CONTAINER_NAME (outputs of infra/main.bicep; azd passes them to hooks).
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$template = Join-Path $PSScriptRoot '..' 'infra' 'eventgrid.bicep'

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    Write-Error 'The Azure CLI (az) is required; see "Deploy to Azure" in README.md'
    exit 1
}

foreach ($name in 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'AZURE_EVENTGRID_SYSTEM_TOPIC_NAME') {
    if ([string]::IsNullOrEmpty([Environment]::GetEnvironmentVariable($name))) {
        Write-Error "$name is not set; run 'azd provision' first"
        exit 1
    }
}
$resourceGroup = $env:AZURE_RESOURCE_GROUP
$appName = $env:AZURE_FUNCTION_APP_NAME
$topicName = $env:AZURE_EVENTGRID_SYSTEM_TOPIC_NAME
$container = if ([string]::IsNullOrEmpty($env:CAMERA_IMAGES_CONTAINER_NAME)) { 'camera-images' } else { $env:CAMERA_IMAGES_CONTAINER_NAME }

# The host creates the key when it first indexes the blob trigger after deploy: wait for it.
$key = ''
for ($attempt = 1; $attempt -le 30; $attempt++) {
    $key = az functionapp keys list --resource-group $resourceGroup --name $appName `
        --query 'systemKeys.blobs_extension' --output tsv 2>$null
    if ($LASTEXITCODE -eq 0 -and -not [string]::IsNullOrWhiteSpace($key)) {
        $key = $key.Trim()
        break
    }
    $key = ''
    Write-Host "Waiting for the blobs_extension key of $appName (attempt $attempt/30)..."
    Start-Sleep -Seconds 10
}
if ([string]::IsNullOrEmpty($key)) {
    Write-Error "No blobs_extension system key on $appName; is ClassifyCameraImage deployed?"
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
        --resource-group $resourceGroup `
        --name 'eventgrid-camera-images' `
        --template-file $template `
        --parameters "@$paramsFile" `
        --parameters "functionAppName=$appName" "systemTopicName=$topicName" "containerName=$container" `
        --output none
    if ($LASTEXITCODE -ne 0) {
        Write-Error 'az deployment group create failed'
        exit $LASTEXITCODE
    }
}
finally {
    Remove-Item -Path $paramsFile -Force -ErrorAction SilentlyContinue
}

Write-Host "Event Grid subscription 'classify-camera-images' is in place."
