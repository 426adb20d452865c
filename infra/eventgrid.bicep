metadata description = 'Event Grid subscription that delivers new camera images to the ClassifyCameraImage blob trigger. Deployed by the azd postdeploy hook (scripts/postdeploy-eventgrid.*) because the blobs_extension key exists only after the code is deployed.'

@description('Name of the function app that hosts ClassifyCameraImage.')
param functionAppName string

@description('Name of the Event Grid system topic on the storage account (output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME of main.bicep).')
param systemTopicName string

@description('Container whose new blobs are delivered to the function.')
param containerName string = 'camera-images'

@description('Name of the event subscription; re-deploying with the same name updates it in place.')
param subscriptionName string = 'classify-camera-images'

@description('The function app\'s blobs_extension system key (az functionapp keys list ... --query systemKeys.blobs_extension).')
@secure()
param blobsExtensionKey string

@description('Container (on the topic\'s storage account) that events are dead-lettered to once retries are exhausted or the endpoint refuses them; main.bicep creates it.')
@minLength(3)
@maxLength(63)
param deadLetterContainerName string = 'dead-letter'

@description('Minutes Event Grid keeps retrying an event the function did not accept.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource cameraImagesSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: subscriptionName
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'WebHook'
      properties: {
        // The host routes on functionName, which needs the Host.Functions. prefix: without it the
        // event is accepted (202) and dropped. The webhook takes the blobs_extension system key only.
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.ClassifyCameraImage&code=${blobsExtensionKey}'
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      // The webhook itself does not filter by container, so the subscription must.
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/'
      advancedFilters: [
        {
          // Only completed writes: a block blob committed by Put Blob / Put Block List, a copy,
          // or an ADLS file flushed and closed.
          operatorType: 'StringIn'
          key: 'data.api'
          values: [
            'PutBlob'
            'PutBlockList'
            'CopyBlob'
            'FlushWithClose'
          ]
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    // An event that still fails after the retries (or that the endpoint refuses) is written to
    // the dead-letter container with the system topic's managed identity, not lost.
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          // The topic's source is the storage account.
          resourceId: systemTopic.properties.source
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

@description('Name of the event subscription.')
output subscriptionName string = cameraImagesSubscription.name
