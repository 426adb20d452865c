metadata description = 'Virtual network whose subnet the function app is integrated with, so that a storage account closed to other networks still lets the app in (service endpoint Microsoft.Storage).'

@description('Name of the virtual network.')
param name string

@description('Azure region of the virtual network (the function app\'s region).')
param location string

@description('Tags applied to the virtual network.')
param tags object = {}

@description('Address space of the virtual network.')
param addressPrefix string = '10.0.0.0/16'

@description('Address range of the function app\'s subnet; Flex Consumption needs at least a /27 and uses one address per instance.')
param appSubnetPrefix string = '10.0.1.0/24'

var appSubnetName = 'app'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: appSubnetPrefix
          // Flex Consumption integrates with a subnet delegated to Microsoft.App/environments.
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          // The storage account admits this subnet by its virtual network rule.
          serviceEndpoints: [
            {
              service: 'Microsoft.Storage'
              locations: [
                location
              ]
            }
          ]
        }
      }
    ]
  }
}

@description('Resource ID of the virtual network.')
output resourceId string = vnet.id

@description('Resource ID of the function app\'s subnet.')
output appSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, appSubnetName)
