targetScope = 'subscription'

metadata description = 'SmartCity.Serverless: ONNX inference on Azure Functions Flex Consumption, with identity-only access to storage and monitoring.'

import { appSettingsType, networkRulesType, storageLayoutType } from 'modules/types.bicep'

// ---------------------------------------------------------------------------
// Environment (set by azd)
// ---------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds the resource token and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region for all resources. Must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Name of the resource group; empty for rg-<environmentName>.')
param resourceGroupName string = ''

@description('Object ID of the deploying user or service principal (azd sets AZURE_PRINCIPAL_ID); empty for none.')
param principalId string = ''

// A role assignment whose principalType does not match the principal fails (UnmatchedPrincipalType),
// so an unknown type is left out and Azure looks the principal up itself.
@description('Type of principalId: User, ServicePrincipal or Group; empty when unknown (the assignments then leave principalType out). The azd preprovision hook sets AZURE_PRINCIPAL_TYPE from the az login.')
@allowed([
  ''
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = ''

@description('Grant principalId the same storage data and metrics publisher roles as the app, for testing and debugging.')
param allowUserIdentityPrincipal bool = true

// ---------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------

@description('Days after upload when camera images (blobs under camera-images/) are deleted by the lifecycle rule.')
@minValue(1)
param imageRetentionDays int = 30

@description('Days deleted blobs and containers are kept (soft delete).')
@minValue(1)
@maxValue(365)
param blobSoftDeleteRetentionDays int = 7

// ---------------------------------------------------------------------------
// Function app (Flex Consumption)
// ---------------------------------------------------------------------------

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

@description('Always-ready instances for the http trigger group; 0 means none.')
@minValue(0)
param alwaysReadyHttpInstances int = 0

// ---------------------------------------------------------------------------
// Application settings (the contract is local.settings.sample.json; the limits are the app's,
// see modules/types.bicep)
// ---------------------------------------------------------------------------

@description('Comma-separated models run on a camera image when no route matches (Camera__Models).')
@minLength(1)
param cameraModels string = 'vehicle-type'

@description('Models per camera path prefix, prefix=model[+model];... matched against {cameraId}/{name} (Camera__ModelRoutes). Empty: every image runs cameraModels.')
param cameraModelRoutes string = 'frames-=traffic-scene;edge-=vehicle-type'

@description('Cosine distance of frame embeddings, a decimal number from 0 to 1, at or below which a frame repeats the previous picture (Camera__StaleDistanceThreshold).')
@minLength(1)
param cameraStaleDistanceThreshold string = '0.006'

@description('Largest camera upload in bytes; larger ones are rejected without being downloaded (Camera__MaxImageBytes).')
@minValue(1)
@maxValue(268435456)
param cameraMaxImageBytes int = 26214400

@description('Labels kept per model in the results (Camera__TopLabels).')
@minValue(1)
@maxValue(100)
param cameraTopLabels int = 5

@description('Explain camera results whose top probability is below this, a decimal number from 0 to 1; 0 never (Camera__ExplainBelowProbability).')
@minLength(1)
param cameraExplainBelowProbability string = '0'

@description('Camera results whose primary head leads its second label by less than this, a decimal number from 0 to 1, are unsure (low-margin); 0 never (Camera__UnsureMargin).')
@minLength(1)
param cameraUnsureMargin string = '0.2'

@description('Comma-separated models that expect a calibrated model per camera ({model}.cam-{cameraId}); a camera without one gets unsure results. Empty: none (Camera__CalibratedModels).')
param cameraCalibratedModels string = 'traffic-scene'

@description('Cells per side of the occlusion grid of an explanation, 2 to 12: grid*grid+1 model items each (Inference__ExplainGrid).')
@minValue(2)
@maxValue(12)
param inferenceExplainGrid int = 7

@description('Most images one explain request may carry, 1 to 4 (Http__MaxExplainImages).')
@minValue(1)
@maxValue(4)
param httpMaxExplainImages int = 2

@description('Comma-separated models loaded and run once at start (Inference__WarmUpModels).')
param warmUpModels string = 'vehicle-type,traffic-scene'

@description('Largest decoded image in pixels (Inference__MaxPixels).')
@minValue(1)
@maxValue(500000000)
param inferenceMaxPixels int = 40000000

@description('E-mail address the operations alerts (error rate, full queues, poison messages) are sent to; empty: they fire in the portal only.')
param alertEmail string = ''

@description('ONNX Runtime intra-op threads; 0 uses the processors the process gets (Inference__IntraOpThreads).')
@minValue(0)
@maxValue(256)
param inferenceIntraOpThreads int = 0

@description('Largest inference batch (Inference__MaxBatchSize).')
@minValue(1)
@maxValue(256)
param inferenceMaxBatchSize int = 16

@description('Longest wait in milliseconds for a batch to fill (Inference__MaxQueueDelayMs).')
@minValue(0)
@maxValue(1000)
param inferenceMaxQueueDelayMs int = 4

@description('Longest inference queue before requests are refused (Inference__MaxQueueLength).')
@minValue(1)
@maxValue(100000)
param inferenceMaxQueueLength int = 256

@description('Most full-size image decodes at once (Inference__MaxFullSizeDecodes): images that cannot be decoded at the model\'s size (PNG, progressive JPEG) over a megapixel; 0 means one per processor.')
@minValue(0)
@maxValue(256)
param inferenceMaxFullSizeDecodes int = 0

// The Functions host answers 500 to bodies over about 30 MB before the worker sees them,
// so the app's own limit (which answers 413) must stay below that.
@description('Largest HTTP request body in bytes (Http__MaxBodyBytes); 1 KiB to 25 MiB, below the host\'s own limit.')
@minValue(1024)
@maxValue(26214400)
param httpMaxBodyBytes int = 10485760

@description('Most images (or tensor items) in one request (Http__MaxImagesPerRequest); more are a 413 before any is decoded. At most inferenceMaxQueueLength.')
@minValue(1)
@maxValue(1024)
param httpMaxImagesPerRequest int = 32

@description('Custom Vision projects and published iterations the Custom Vision prediction routes serve, as projectId/publishedName=model[@version] separated by ; (CustomVision__Projects). Empty: those routes answer 404.')
param customVisionProjects string = ''

// Only hashes are deployed: the keys themselves stay with the callers (see README "Custom Vision").
@description('SHA-256 hashes (64 hex digits) of the Prediction-Key values the Custom Vision routes accept, separated by ; (CustomVision__PredictionKeySha256). Empty: every Custom Vision request is refused with 401.')
param customVisionPredictionKeySha256 string = ''

// The /url routes fetch from these hosts only: https, public addresses, no redirect elsewhere (see README "Custom Vision").
@description('Hosts the Custom Vision /url routes may fetch images from, separated by ; (a host name, or *. and a domain; https and public addresses only) (CustomVision__UrlAllowedHosts). Empty: every /url call is refused with 403.')
param customVisionUrlAllowedHosts string = ''

@description('Seconds a Custom Vision /url call may take to fetch its image, every redirect and the whole body (CustomVision__UrlTimeoutSeconds); longer answers 400 BadRequestImageUrl.')
@minValue(1)
@maxValue(60)
param customVisionUrlTimeoutSeconds int = 10

// ---------------------------------------------------------------------------
// Security: Entra ID (Easy Auth) and network restrictions (see README "Security")
// ---------------------------------------------------------------------------

@description('Turn on App Service authentication with Microsoft Entra ID (Easy Auth): bearer tokens are validated by the platform and the camera routes require the app role Cameras.Read (EasyAuth__Enabled). Needs entraClientId.')
param entraAuthEnabled bool = false

@description('Tenant ID of the Entra app registration; empty for the tenant of the deployment.')
param entraTenantId string = ''

@description('Application (client) ID of the Entra app registration that defines the app roles; required when entraAuthEnabled is true.')
param entraClientId string = ''

@description('Close the storage account to every network but the function app\'s subnet (a virtual network is created and the app integrated with it), trusted Azure services and storageAllowedIpRanges.')
param restrictStorageNetwork bool = false

@description('Public IPv4 addresses or CIDR ranges (cameras, developers) that may reach the storage account when restrictStorageNetwork is true.')
param storageAllowedIpRanges string[] = []

@description('IPv4 CIDR ranges allowed to call the function app; empty allows any address. Event Grid is always allowed; mobile apps on arbitrary networks need it empty.')
param functionAppAllowedIpRanges string[] = []

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var applicationInsightsName = '${abbrs.insightsComponents}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var virtualNetworkName = '${abbrs.networkVirtualNetworks}${resourceToken}'

// Everything the app reads from its settings, in the one object the function app module takes.
// The container and table names are fixed: the code's defaults (local.settings.sample.json) and
// the Event Grid filter depend on them.
var appSettings appSettingsType = {
  cameraImagesContainer: 'camera-images'
  cameraResultsContainer: 'classifications'
  cameraRejectedContainer: 'rejected'
  cameraTableName: 'classifications'
  cameraModels: cameraModels
  cameraModelRoutes: cameraModelRoutes
  cameraStaleDistanceThreshold: cameraStaleDistanceThreshold
  cameraMaxImageBytes: cameraMaxImageBytes
  cameraTopLabels: cameraTopLabels
  cameraExplainBelowProbability: cameraExplainBelowProbability
  cameraUnsureMargin: cameraUnsureMargin
  cameraCalibratedModels: cameraCalibratedModels
  inferenceMaxPixels: inferenceMaxPixels
  inferenceIntraOpThreads: inferenceIntraOpThreads
  inferenceMaxBatchSize: inferenceMaxBatchSize
  inferenceMaxQueueDelayMs: inferenceMaxQueueDelayMs
  inferenceMaxQueueLength: inferenceMaxQueueLength
  inferenceMaxFullSizeDecodes: inferenceMaxFullSizeDecodes
  inferenceWarmUpModels: warmUpModels
  inferenceExplainGrid: inferenceExplainGrid
  // Measured defaults (docs: Performance, footprint), not deploy parameters.
  inferenceEnableCpuMemArena: bool('true')
  inferenceEnableMemoryPattern: bool('true')
  inferenceOptimizedModelCache: bool('true')
  httpMaxBodyBytes: httpMaxBodyBytes
  httpMaxImagesPerRequest: httpMaxImagesPerRequest
  // Model repository and training jobs (issue 13): names fixed like the camera containers; the
  // limits are the app's defaults (change the app setting to tune them).
  modelRepositoryContainer: 'models'
  inferenceRepositoryRefreshSeconds: 30
  trainingJobsQueue: 'training-jobs'
  trainingDataContainer: 'training-data'
  trainingJobsContainer: 'training-jobs'
  trainingImagesPerMessage: 100
  trainingMinImagesPerLabel: 10
  trainingMaxImages: 20000
  // Reclassifying history (issue 17): on the same account as the training jobs.
  reclassifyQueue: 'camera-reclassify'
  reclassifyJobsContainer: 'reclassifications'
  reclassifyBlobsPerMessage: 50
  reclassifyParallelBlobs: 8
  httpMaxExplainImages: httpMaxExplainImages
  customVisionProjects: customVisionProjects
  customVisionPredictionKeySha256: customVisionPredictionKeySha256
  customVisionUrlAllowedHosts: customVisionUrlAllowedHosts
  customVisionUrlTimeoutSeconds: customVisionUrlTimeoutSeconds
  easyAuthEnabled: entraAuthEnabled
}

// Every container and the table by what it holds, for the storage and role modules. The host's
// containers are created here rather than by the host, so that its blob role can be granted on
// them alone.
var storageLayout storageLayoutType = {
  deploymentContainer: deploymentContainerName
  hostLocksContainer: 'azure-webjobs-hosts'
  hostKeysContainer: 'azure-webjobs-secrets'
  imagesContainer: appSettings.cameraImagesContainer
  resultsContainer: appSettings.cameraResultsContainer
  rejectedContainer: appSettings.cameraRejectedContainer
  deadLetterContainer: 'dead-letter'
  table: appSettings.cameraTableName
}

// The Functions host moves a message that failed its last try to <queue>-poison; it is created with the queue.
var trainingPoisonQueue = '${appSettings.trainingJobsQueue}-poison'
var reclassifyPoisonQueue = '${appSettings.reclassifyQueue}-poison'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module network 'modules/network.bicep' = if (restrictStorageNetwork) {
  name: 'network'
  scope: rg
  params: {
    name: virtualNetworkName
    location: location
    tags: tags
  }
}

// The restrictions in the one object the storage and function app modules read.
var networkRules networkRulesType = {
  restrictStorage: restrictStorageNetwork
  storageAllowedIpRanges: storageAllowedIpRanges
  // The subnet's ID is known before the network exists, so the modules need not wait for it.
  appSubnetId: restrictStorageNetwork
    ? resourceId(subscription().subscriptionId, rg.name, 'Microsoft.Network/virtualNetworks/subnets', virtualNetworkName, 'app')
    : ''
  functionAppAllowedIpRanges: functionAppAllowedIpRanges
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    containerNames: [
      storageLayout.imagesContainer
      storageLayout.resultsContainer
      storageLayout.rejectedContainer
      storageLayout.deadLetterContainer
      storageLayout.deploymentContainer
      storageLayout.hostLocksContainer
      storageLayout.hostKeysContainer
      // Model repository and training jobs (issue 13).
      appSettings.modelRepositoryContainer
      appSettings.trainingDataContainer
      appSettings.trainingJobsContainer
      // Reclassifying history (issue 17).
      appSettings.reclassifyJobsContainer
    ]
    tableNames: [
      storageLayout.table
    ]
    deleteRetentionDays: blobSoftDeleteRetentionDays
    imagePrefix: '${storageLayout.imagesContainer}/'
    imageRetentionDays: imageRetentionDays
    network: networkRules
  }
  dependsOn: [
    network
  ]
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

// The operations workbook and alert rules over the app's metrics (README "Metrics").
module operations 'modules/operations.bicep' = {
  name: 'operations'
  scope: rg
  // The component is read by name (known at compile time); it must exist first.
  dependsOn: [
    monitoring
  ]
  params: {
    applicationInsightsName: applicationInsightsName
    namePrefix: 'smartcity-${resourceToken}'
    location: location
    tags: tags
    alertEmail: alertEmail
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    layout: storageLayout
    applicationInsightsName: applicationInsightsName
    // The principal IDs exist only once the identities do; What-If cannot predict these
    // assignment names, which is the price of naming them guid(scope.id, principalId, roleId).
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    #disable-next-line what-if-short-circuiting
    eventGridPrincipalId: eventGrid.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
    allowUserIdentityPrincipal: allowUserIdentityPrincipal
  }
  dependsOn: [
    storage
    monitoring
  ]
}

// ---------------------------------------------------------------------------
// Model repository and training jobs (issue 13): the queues, and the app's roles on the
// models, training-jobs and training-data containers and on the queues, each at its own scope.
// ---------------------------------------------------------------------------

module queues 'modules/queues.bicep' = {
  name: 'queues'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    queueNames: [
      appSettings.trainingJobsQueue
      trainingPoisonQueue
      appSettings.reclassifyQueue
      reclassifyPoisonQueue
    ]
  }
  dependsOn: [
    storage
  ]
}

module rbacModels 'modules/rbac-models.bicep' = {
  name: 'rbac-models'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    modelsContainerName: appSettings.modelRepositoryContainer
    trainingJobsContainerName: appSettings.trainingJobsContainer
    trainingDataContainerName: appSettings.trainingDataContainer
    trainingQueueName: appSettings.trainingJobsQueue
    trainingPoisonQueueName: trainingPoisonQueue
    reclassifyJobsContainerName: appSettings.reclassifyJobsContainer
    reclassifyQueueName: appSettings.reclassifyQueue
    reclassifyPoisonQueueName: reclassifyPoisonQueue
  }
  dependsOn: [
    storage
    queues
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    settings: appSettings
    network: networkRules
  }
  // The app starts indexing its triggers at once; it needs its storage roles first (and its
  // subnet, when there is one).
  dependsOn: [
    rbac
    rbacModels
    network
  ]
}

// Absent when off: a later deployment with it off does not remove settings made earlier (turn
// them off with az webapp auth update --enabled false, see README "Security").
module easyAuth 'modules/easyauth.bicep' = if (entraAuthEnabled) {
  name: 'easyauth'
  scope: rg
  params: {
    functionAppName: functionAppName
    tenantId: entraTenantId
    clientId: entraClientId
  }
  dependsOn: [
    functionApp
  ]
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: rg
  params: {
    name: '${abbrs.eventGridSystemTopics}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storageAccountName
  }
  dependsOn: [
    storage
  ]
}

@description('Region of the deployment.')
output AZURE_LOCATION string = location

@description('Tenant of the deployment.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Resource group that holds every resource.')
output AZURE_RESOURCE_GROUP string = rg.name

@description('Name of the function app.')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Name of the function app that azd deploys the api service to.')
output SERVICE_API_NAME string = functionApp.outputs.name

@description('Base URL of the api service.')
output SERVICE_API_URI string = functionApp.outputs.uri

@description('Name of the storage account.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Blob endpoint of the storage account.')
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint

@description('Container cameras upload images to; the Event Grid subscription filters on it.')
output CAMERA_IMAGES_CONTAINER_NAME string = appSettings.cameraImagesContainer

@description('Container of the published model versions (issue 13).')
output MODELS_CONTAINER_NAME string = appSettings.modelRepositoryContainer

@description('Container to upload labelled training images to, one folder per label (issue 13).')
output TRAINING_DATA_CONTAINER_NAME string = appSettings.trainingDataContainer

@description('Name of the Event Grid system topic on the storage account (used by the postdeploy hook).')
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.name

@description('Name of the Application Insights component.')
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName

@description('Container that holds the camera events Event Grid could not deliver (infra/eventgrid.bicep dead-letters to it).')
output EVENTGRID_DEAD_LETTER_CONTAINER_NAME string = storageLayout.deadLetterContainer

@description('Client ID of the app\'s user-assigned managed identity.')
output AZURE_FUNCTION_APP_IDENTITY_CLIENT_ID string = identity.outputs.clientId
