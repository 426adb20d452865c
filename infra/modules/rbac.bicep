metadata description = 'Role assignments, each as narrow as the platform allows: blob roles per container, queue and table roles on the account only where the Functions host creates queues and tables itself; for the app identity, optionally the deploying user, and the Event Grid system topic\'s dead-lettering.'

import { storageLayoutType } from 'types.bicep'

@description('Name of the storage account the roles are granted on.')
param storageAccountName string

@description('The containers and the table of the storage account, by what each holds.')
param layout storageLayoutType

@description('Name of the Application Insights component the metrics publisher role is granted on.')
param applicationInsightsName string

@description('Principal ID of the app\'s user-assigned managed identity.')
param appPrincipalId string

@description('Principal ID of the Event Grid system topic\'s system-assigned identity, which writes dead letters.')
param eventGridPrincipalId string

@description('Principal ID of the deploying user or service principal; empty for none.')
param userPrincipalId string = ''

@description('Type of userPrincipalId; empty when unknown, and then the assignments leave principalType out so Azure resolves it (a wrong type fails the assignment).')
@allowed([
  ''
  'User'
  'ServicePrincipal'
  'Group'
])
param userPrincipalType string = ''

@description('Also grant userPrincipalId the roles to upload camera images, read the results and debug the host queues and tables with their own Entra ID account.')
param allowUserIdentityPrincipal bool = true

// Built-in role definition IDs (the same in every tenant).
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
var storageBlobDataReaderRoleId = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' // Storage Blob Data Reader
var storageQueueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
var storageTableDataReaderRoleId = '76199698-9eea-4c19-bc75-cec21354c6b6' // Storage Table Data Reader
var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher

// The app identity's blob roles, one container each (no blob role on the account).
var appContainerRoles = [
  // Flex Consumption writes the package here with this identity on deploy and reads it at start.
  {
    container: layout.deploymentContainer
    roleId: storageBlobDataContributorRoleId
  }
  // The host's locks, leases and host ID (AzureWebJobsStorage).
  {
    container: layout.hostLocksContainer
    roleId: storageBlobDataContributorRoleId
  }
  // The host's function and system keys, which it creates and rotates.
  {
    container: layout.hostKeysContainer
    roleId: storageBlobDataContributorRoleId
  }
  // ClassifyCameraImage only reads the uploads.
  {
    container: layout.imagesContainer
    roleId: storageBlobDataReaderRoleId
  }
  // Result and rejection documents are written, overwritten on a retry, and deleted on a rerun.
  {
    container: layout.resultsContainer
    roleId: storageBlobDataContributorRoleId
  }
  {
    container: layout.rejectedContainer
    roleId: storageBlobDataContributorRoleId
  }
]

// The host creates its queues (webjobs-blobtrigger-poison) and tables (AzureFunctionsDiagnosticEvents<yyyyMM>,
// a new one each month) when it needs them, so these two roles stay on the account. The account
// holds no other queues, and no table but the app's own index (which the app writes).
var appAccountRoleIds = [
  storageQueueDataContributorRoleId
  storageTableDataContributorRoleId
]

// The deploying principal: upload images, read results and dead letters, and inspect the host's
// queues (poison messages) and tables. Not the deployment package, not the host's keys.
var userContainerRoles = [
  {
    container: layout.imagesContainer
    roleId: storageBlobDataContributorRoleId
  }
  {
    container: layout.resultsContainer
    roleId: storageBlobDataReaderRoleId
  }
  {
    container: layout.rejectedContainer
    roleId: storageBlobDataReaderRoleId
  }
  {
    container: layout.deadLetterContainer
    roleId: storageBlobDataReaderRoleId
  }
]

var userAccountRoleIds = [
  storageQueueDataContributorRoleId
  storageTableDataReaderRoleId
]

var grantUser = allowUserIdentityPrincipal && !empty(userPrincipalId)

// null leaves the property out of the request.
var userPrincipalTypeOrNull = empty(userPrincipalType) ? null : userPrincipalType

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource deadLetter 'containers' existing = {
      name: layout.deadLetterContainer
    }
  }
}

resource appContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [
  for grant in appContainerRoles: {
    parent: storage::blobService
    name: grant.container
  }
]

resource userContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [
  for grant in userContainerRoles: {
    parent: storage::blobService
    name: grant.container
  }
]

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Storage Blob Data Contributor or Reader for the app, on one container each (appContainerRoles).
resource appContainerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (grant, i) in appContainerRoles: {
    name: guid(appContainers[i].id, appPrincipalId, grant.roleId)
    scope: appContainers[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Storage Queue Data Contributor and Storage Table Data Contributor for the app, on the account (appAccountRoleIds).
resource appAccountAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in appAccountRoleIds: {
    name: guid(storage.id, appPrincipalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Monitoring Metrics Publisher for the app: Entra ID telemetry ingestion (local auth is disabled).
resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, monitoringMetricsPublisherRoleId)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Blob Data Contributor for the Event Grid system topic on the dead-letter container only:
// the subscription dead-letters with the topic's managed identity (storage takes no keys).
resource eventGridDeadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobService::deadLetter.id, eventGridPrincipalId, storageBlobDataContributorRoleId)
  scope: storage::blobService::deadLetter
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: eventGridPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Blob Data Contributor or Reader for the deploying principal, per container (userContainerRoles), when allowed.
resource userContainerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (grant, i) in userContainerRoles: if (grantUser) {
    name: guid(userContainers[i].id, userPrincipalId, grant.roleId)
    scope: userContainers[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleId)
      principalId: userPrincipalId
      principalType: userPrincipalTypeOrNull
    }
  }
]

// Storage Queue Data Contributor and Storage Table Data Reader for the deploying principal, on the account, when allowed.
resource userAccountAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in userAccountRoleIds: if (grantUser) {
    name: guid(storage.id, userPrincipalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: userPrincipalId
      principalType: userPrincipalTypeOrNull
    }
  }
]

// Monitoring Metrics Publisher for the deploying principal (running the app locally with telemetry), when allowed.
resource userMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantUser) {
  name: guid(applicationInsights.id, userPrincipalId, monitoringMetricsPublisherRoleId)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
    principalId: userPrincipalId
    principalType: userPrincipalTypeOrNull
  }
}

@description('Number of role assignments made for the app identity.')
output appRoleAssignmentCount int = length(appContainerRoles) + length(appAccountRoleIds) + 1
