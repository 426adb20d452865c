metadata description = 'Storage queues on an existing account: the training-job queue and its poison queue (the Functions host never creates trigger queues, and moves failed messages to <queue>-poison).'

@description('Name of the storage account the queues are created in.')
param storageAccountName string

@description('Queues to create.')
param queueNames string[]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

@description('Names of the queues created, in order.')
output names string[] = [for (queueName, i) in queueNames: queues[i].name]
