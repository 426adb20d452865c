metadata description = 'Storage account for the function host, the deployment package, the camera images, results and rejects, and Event Grid\'s dead letters.'

import { networkRulesType } from 'types.bicep'

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the storage account.')
param location string

@description('Tags applied to the storage account.')
param tags object = {}

@description('Storage SKU.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
])
param skuName string = 'Standard_LRS'

@description('Blob containers to create.')
param containerNames string[]

@description('Tables to create.')
param tableNames string[]

@description('Number of days deleted blobs and containers are kept (soft delete) before they are purged.')
@minValue(1)
@maxValue(365)
param deleteRetentionDays int = 7

@description('Blob name prefix, starting with the container name, that the lifecycle rule deletes after imageRetentionDays (for example camera-images/).')
param imagePrefix string

@description('Days after the last modification when blobs under imagePrefix are deleted.')
@minValue(1)
param imageRetentionDays int

@description('Network restrictions; only restrictStorage, storageAllowedIpRanges and appSubnetId (the app\'s subnet, which restrictStorage comes with) apply here.')
param network networkRulesType

// Restricted: only the app's subnet (service endpoint), the listed public IPs (cameras,
// developers) and trusted Azure services (Event Grid's dead-lettering with its managed identity).
// Otherwise open to every network; every caller still needs Entra ID and a data role.
var networkAcls = network.restrictStorage
  ? {
      bypass: 'AzureServices'
      defaultAction: 'Deny'
      ipRules: map(network.storageAllowedIpRanges, range => {
        value: range
        action: 'Allow'
      })
      virtualNetworkRules: [
        {
          id: network.appSubnetId
          action: 'Allow'
        }
      ]
    }
  : {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    // No keys, no SAS signed with keys: every caller authenticates with Entra ID.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Enabled so that the firewall rules below decide (Disabled would also shut out the IP rules).
    publicNetworkAccess: 'Enabled'
    networkAcls: networkAcls
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-old-camera-images'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                imagePrefix
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: imageRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    containers
  ]
}

@description('Resource ID of the storage account.')
output resourceId string = storage.id

@description('Name of the storage account.')
output name string = storage.name

@description('Blob service endpoint, for example https://<name>.blob.core.windows.net/.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Queue service endpoint.')
output queueEndpoint string = storage.properties.primaryEndpoints.queue

@description('Table service endpoint.')
output tableEndpoint string = storage.properties.primaryEndpoints.table
