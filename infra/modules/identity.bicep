metadata description = 'User-assigned managed identity that the function app runs as.'

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource ID of the identity.')
output resourceId string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Client (application) ID of the identity, used by DefaultAzureCredential and the identity-based connections.')
output clientId string = identity.properties.clientId

@description('Principal (object) ID of the identity, used for role assignments.')
output principalId string = identity.properties.principalId
