metadata description = 'Role assignments the app identity needs for the model repository and training jobs, each scoped to its container or queue: no more than the code uses.'

@description('Name of the storage account that holds the containers and queues.')
param storageAccountName string

@description('Principal ID of the app\'s user-assigned managed identity.')
param appPrincipalId string

@description('Container of the published model versions (read by every instance, written by publishes and operators).')
param modelsContainerName string

@description('Container where training jobs keep their state, embeddings and packages.')
param trainingJobsContainerName string

@description('Container of the labelled training images (only read by the app).')
param trainingDataContainerName string

@description('Queue whose messages run the training-job steps.')
param trainingQueueName string

@description('Poison queue the Functions host moves a training message to after its last try.')
param trainingPoisonQueueName string

@description('Container of the reclassification jobs (documents and batches).')
param reclassifyJobsContainerName string

@description('Queue whose messages run the reclassification listings and batches.')
param reclassifyQueueName string

@description('Poison queue the Functions host moves a reclassification message to after its last try.')
param reclassifyPoisonQueueName string

// Built-in role definition IDs (the same in every tenant).
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
var storageBlobDataReaderRoleId = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' // Storage Blob Data Reader
var storageQueueDataReaderRoleId = '19e7f393-937e-4f77-808e-94535e297925' // Storage Queue Data Reader
var storageQueueDataMessageProcessorRoleId = '8a0f0c08-91a1-4084-bc3d-661d67233fed' // Storage Queue Data Message Processor
var storageQueueDataMessageSenderRoleId = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a' // Storage Queue Data Message Sender

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource modelsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: modelsContainerName
}

resource trainingJobsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: trainingJobsContainerName
}

resource trainingDataContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: trainingDataContainerName
}

resource reclassifyJobsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: reclassifyJobsContainerName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource trainingQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = {
  parent: queueService
  name: trainingQueueName
}

resource trainingPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = {
  parent: queueService
  name: trainingPoisonQueueName
}

resource reclassifyQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = {
  parent: queueService
  name: reclassifyQueueName
}

resource reclassifyPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = {
  parent: queueService
  name: reclassifyPoisonQueueName
}

// Storage Blob Data Contributor on the models container: list and download versions; publish (claim, files, manifest), default pointer, retired and unloaded marks, history.
resource modelsContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(modelsContainer.id, appPrincipalId, storageBlobDataContributorRoleId)
  scope: modelsContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Blob Data Contributor on the training-jobs container: job documents, embeddings, trained packages.
resource trainingJobsContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(trainingJobsContainer.id, appPrincipalId, storageBlobDataContributorRoleId)
  scope: trainingJobsContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Blob Data Reader on the training-data container: the app lists and reads labelled images, never writes them.
resource trainingDataReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(trainingDataContainer.id, appPrincipalId, storageBlobDataReaderRoleId)
  scope: trainingDataContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReaderRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Reader on the training queue: the queue trigger reads its properties (length, for scaling) and peeks.
resource trainingQueueReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(trainingQueue.id, appPrincipalId, storageQueueDataReaderRoleId)
  scope: trainingQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataReaderRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Message Processor on the training queue: the trigger receives and deletes messages.
resource trainingQueueProcessor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(trainingQueue.id, appPrincipalId, storageQueueDataMessageProcessorRoleId)
  scope: trainingQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageProcessorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Message Sender on the training queue: the app sends each job's next step.
resource trainingQueueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(trainingQueue.id, appPrincipalId, storageQueueDataMessageSenderRoleId)
  scope: trainingQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageSenderRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Message Sender on the poison queue: the host moves a message there after its last try.
resource trainingPoisonQueueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(trainingPoisonQueue.id, appPrincipalId, storageQueueDataMessageSenderRoleId)
  scope: trainingPoisonQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageSenderRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Blob Data Contributor on the reclassifications container: job documents, batches and their results.
resource reclassifyJobsContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(reclassifyJobsContainer.id, appPrincipalId, storageBlobDataContributorRoleId)
  scope: reclassifyJobsContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Reader on the reclassification queue: the queue trigger reads its length (for scaling out) and peeks.
resource reclassifyQueueReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(reclassifyQueue.id, appPrincipalId, storageQueueDataReaderRoleId)
  scope: reclassifyQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataReaderRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Message Processor on the reclassification queue: the trigger receives and deletes messages.
resource reclassifyQueueProcessor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(reclassifyQueue.id, appPrincipalId, storageQueueDataMessageProcessorRoleId)
  scope: reclassifyQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageProcessorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Message Sender on the reclassification queue: the app sends listing and batch messages.
resource reclassifyQueueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(reclassifyQueue.id, appPrincipalId, storageQueueDataMessageSenderRoleId)
  scope: reclassifyQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageSenderRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Message Sender on the reclassification poison queue: the host moves a message there after its last try.
resource reclassifyPoisonQueueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(reclassifyPoisonQueue.id, appPrincipalId, storageQueueDataMessageSenderRoleId)
  scope: reclassifyPoisonQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageSenderRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('Number of role assignments made for the app identity.')
output appRoleAssignmentCount int = 12
