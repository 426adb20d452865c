metadata description = 'Flex Consumption plan and the Linux function app that runs the .NET isolated worker, with identity-based connections only.'

import { appSettingsType, networkRulesType } from 'types.bicep'

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags object = {}

@description('Value of the azd-service-name tag, which azd uses to find the app to deploy the "api" service to.')
param serviceName string = 'api'

@description('Resource ID of the user-assigned managed identity the app runs as.')
param identityResourceId string

@description('Client ID of the user-assigned managed identity.')
param identityClientId string

@description('Blob endpoint of the storage account, e.g. https://<name>.blob.core.windows.net/.')
param storageBlobEndpoint string

@description('Queue endpoint of the storage account.')
param storageQueueEndpoint string

@description('Table endpoint of the storage account.')
param storageTableEndpoint string

@description('Blob container that holds the deployment package (Flex Consumption deploys from blob storage).')
param deploymentContainerName string

@description('Application Insights connection string. Not a secret: local auth is disabled on the component.')
param applicationInsightsConnectionString string

@description('Runtime stack of the worker.')
param runtimeName string = 'dotnet-isolated'

// Flex Consumption checks this string against its runtime catalog, where .NET 10 isolated is
// '10.0' (the form az functionapp list-flexconsumption-runtimes prints). A value such as '10'
// is accepted by ARM but the host then never starts.
@description('Runtime version of the worker; must match the project\'s target framework (net10.0).')
param runtimeVersion string = '10.0'

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Maximum number of instances the app scales out to (Flex Consumption allows 1 to 1000).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Always-ready instances for the http trigger group; 0 means none (pure pay-per-use, with cold starts).')
@minValue(0)
param alwaysReadyHttpInstances int = 0

@description('The app\'s own settings (containers, table, models, limits), each mapped to its app setting.')
param settings appSettingsType

@description('Network restrictions; only restrictStorage (which brings the subnet appSubnetId), appSubnetId and functionAppAllowedIpRanges apply here.')
param network networkRulesType

// With allowed ranges, everything else is refused, except Event Grid's deliveries to the blob
// webhook. The scm site (azd deploy) keeps its own, open rules: it takes Entra ID only.
var restrictInbound = !empty(network.functionAppAllowedIpRanges)
var inboundRules = concat(
  map(range(0, length(network.functionAppAllowedIpRanges)), i => {
    name: 'allowed-${i}'
    action: 'Allow'
    ipAddress: network.functionAppAllowedIpRanges[i]
    priority: 100 + i
  }),
  [
    {
      name: 'event-grid'
      action: 'Allow'
      tag: 'ServiceTag'
      ipAddress: 'AzureEventGrid'
      priority: 1000
    }
  ]
)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Outbound through the subnet that comes with restricted storage, so that storage admits the app.
    virtualNetworkSubnetId: network.restrictStorage ? network.appSubnetId : null
    siteConfig: {
      minTlsVersion: '1.2'
      ipSecurityRestrictions: restrictInbound ? inboundRules : null
      ipSecurityRestrictionsDefaultAction: restrictInbound ? 'Deny' : 'Allow'
      scmIpSecurityRestrictionsUseMain: false
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: alwaysReadyHttpInstances > 0
          ? [
              {
                name: 'http'
                instanceCount: alwaysReadyHttpInstances
              }
            ]
          : []
      }
      runtime: {
        name: runtimeName
        version: runtimeVersion
      }
    }
  }
}

// Every connection is identity-based: service URIs plus the identity, never a key.
// FUNCTIONS_WORKER_RUNTIME is not set: on Flex Consumption the runtime comes from functionAppConfig.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Host storage (leases, timers, blob trigger receipts).
    AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
    AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
    AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId

    // The trigger and the app's own storage clients (Connection = "CameraStorage").
    CameraStorage__blobServiceUri: storageBlobEndpoint
    CameraStorage__queueServiceUri: storageQueueEndpoint
    CameraStorage__tableServiceUri: storageTableEndpoint
    CameraStorage__credential: 'managedidentity'
    CameraStorage__clientId: identityClientId

    // The model repository, training data and jobs, and the training queue trigger (Connection = "ModelStorage"), issue 13.
    ModelStorage__blobServiceUri: storageBlobEndpoint
    ModelStorage__queueServiceUri: storageQueueEndpoint
    ModelStorage__tableServiceUri: storageTableEndpoint
    ModelStorage__credential: 'managedidentity'
    ModelStorage__clientId: identityClientId

    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

    // The app's own settings (local.settings.sample.json), from the one settings object.
    CameraImagesContainer: settings.cameraImagesContainer
    Camera__ResultsContainer: settings.cameraResultsContainer
    Camera__RejectedContainer: settings.cameraRejectedContainer
    Camera__TableName: settings.cameraTableName
    Camera__Models: settings.cameraModels
    Camera__ModelRoutes: settings.cameraModelRoutes
    Camera__StaleDistanceThreshold: settings.cameraStaleDistanceThreshold
    Camera__MaxImageBytes: string(settings.cameraMaxImageBytes)
    Camera__TopLabels: string(settings.cameraTopLabels)
    Camera__ExplainBelowProbability: settings.cameraExplainBelowProbability
    Camera__UnsureMargin: settings.cameraUnsureMargin
    Camera__CalibratedModels: settings.cameraCalibratedModels
    Inference__MaxPixels: string(settings.inferenceMaxPixels)
    Inference__IntraOpThreads: string(settings.inferenceIntraOpThreads)
    Inference__MaxBatchSize: string(settings.inferenceMaxBatchSize)
    Inference__MaxQueueDelayMs: string(settings.inferenceMaxQueueDelayMs)
    Inference__MaxQueueLength: string(settings.inferenceMaxQueueLength)
    Inference__MaxFullSizeDecodes: string(settings.inferenceMaxFullSizeDecodes)
    Inference__WarmUpModels: settings.inferenceWarmUpModels
    Inference__ExplainGrid: string(settings.inferenceExplainGrid)
    Inference__EnableCpuMemArena: string(settings.inferenceEnableCpuMemArena)
    Inference__EnableMemoryPattern: string(settings.inferenceEnableMemoryPattern)
    Inference__OptimizedModelCache: string(settings.inferenceOptimizedModelCache)
    Http__MaxBodyBytes: string(settings.httpMaxBodyBytes)
    Http__MaxImagesPerRequest: string(settings.httpMaxImagesPerRequest)
    Http__MaxExplainImages: string(settings.httpMaxExplainImages)
    CustomVision__Projects: settings.customVisionProjects
    CustomVision__PredictionKeySha256: settings.customVisionPredictionKeySha256
    CustomVision__UrlAllowedHosts: settings.customVisionUrlAllowedHosts
    CustomVision__UrlTimeoutSeconds: string(settings.customVisionUrlTimeoutSeconds)
    EasyAuth__Enabled: string(settings.easyAuthEnabled)

    // Model repository and training jobs (issue 13).
    ModelRepository__Container: settings.modelRepositoryContainer
    Inference__RepositoryRefreshSeconds: string(settings.inferenceRepositoryRefreshSeconds)
    TrainingJobsQueue: settings.trainingJobsQueue
    Training__DataContainer: settings.trainingDataContainer
    Training__JobsContainer: settings.trainingJobsContainer
    Training__ImagesPerMessage: string(settings.trainingImagesPerMessage)
    Training__MinImagesPerLabel: string(settings.trainingMinImagesPerLabel)
    Training__MaxImages: string(settings.trainingMaxImages)

    // Reclassifying history (issue 17).
    ReclassifyQueue: settings.reclassifyQueue
    Reclassify__JobsContainer: settings.reclassifyJobsContainer
    Reclassify__BlobsPerMessage: string(settings.reclassifyBlobsPerMessage)
    Reclassify__ParallelBlobs: string(settings.reclassifyParallelBlobs)
  }
}

@description('Name of the function app.')
output name string = functionApp.name

@description('Resource ID of the function app.')
output resourceId string = functionApp.id

@description('Default host name of the function app.')
output defaultHostName string = functionApp.properties.defaultHostName

@description('Base URL of the function app.')
output uri string = 'https://${functionApp.properties.defaultHostName}'

@description('Name of the Flex Consumption plan.')
output planName string = plan.name
