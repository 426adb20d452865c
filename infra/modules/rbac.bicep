metadata description = 'Role assignments for the app identity (and optionally the deploying user) on storage and Application Insights.'

@description('Name of the storage account the roles are granted on.')
param storageAccountName string

@description('Name of the Application Insights component the metrics publisher role is granted on.')
param applicationInsightsName string

@description('Principal ID of the app\'s user-assigned managed identity.')
param appPrincipalId string

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

@description('Also grant the data roles to userPrincipalId, so the developer can upload images and read results with their own Entra ID account.')
param allowUserIdentityPrincipal bool = true

// Built-in role definition IDs (the same in every tenant).
var storageBlobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
var storageQueueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher

var storageRoleIds = [
  storageBlobDataOwnerRoleId
  storageQueueDataContributorRoleId
  storageTableDataContributorRoleId
]

var grantUser = allowUserIdentityPrincipal && !empty(userPrincipalId)

// null leaves the property out of the request.
var userPrincipalTypeOrNull = empty(userPrincipalType) ? null : userPrincipalType

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Storage Blob Data Owner, Storage Queue Data Contributor, Storage Table Data Contributor for the app.
resource appStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: {
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

// Same storage data roles for the deploying principal, when allowed.
resource userStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: if (grantUser) {
    name: guid(storage.id, userPrincipalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: userPrincipalId
      principalType: userPrincipalTypeOrNull
    }
  }
]

// Monitoring Metrics Publisher for the deploying principal, when allowed.
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
output appRoleAssignmentCount int = length(storageRoleIds) + 1
