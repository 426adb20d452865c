metadata description = 'Event Grid system topic on the storage account. Its subscription to the function\'s blob webhook is created after code deploy by ../eventgrid.bicep, because the webhook key exists only then.'

@description('Name of the system topic.')
param name string

@description('Azure region of the system topic (the storage account\'s region).')
param location string

@description('Tags applied to the system topic.')
param tags object = {}

@description('Name of the storage account whose blob events the topic publishes.')
param storageAccountName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  // The subscription dead-letters with this identity (Storage Blob Data Contributor on the
  // dead-letter container, in rbac.bicep): storage takes no keys.
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

@description('Name of the system topic.')
output name string = systemTopic.name

@description('Resource ID of the system topic.')
output resourceId string = systemTopic.id

@description('Principal ID of the system topic\'s system-assigned identity, which writes dead letters.')
output principalId string = systemTopic.identity.principalId
