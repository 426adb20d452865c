metadata description = 'What an operator looks at and is woken by: an Application Insights workbook over the app\'s metrics, and log alert rules on them (error rate, full queues, poison messages).'

@description('Name of the Application Insights component (in this resource group) the app sends its metrics and logs to.')
param applicationInsightsName string

@description('Name of the workbook and prefix of the alert rules.')
param namePrefix string

@description('Azure region of the workbook and the alert rules.')
param location string

@description('Tags applied to the workbook and the alert rules.')
param tags object = {}

@description('E-mail address the alerts are sent to; empty: the alerts fire in the portal only, with no action group.')
param alertEmail string = ''

@description('Share of failed inference requests over 5 minutes (with at least 20 requests) that fires the error-rate alert.')
param errorRateThreshold string = '0.05'

// The metric names are the app's (README "Metrics"); Application Insights stores them in
// customMetrics, every tag a custom dimension, valueSum the sum over the export interval.
var requests = 'smartcity.inference.requests'

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var applicationInsightsId = applicationInsights.id

var queries = {
  errorRate: 'customMetrics | where name == "${requests}" | summarize failures = sumif(valueSum, tostring(customDimensions.outcome) == "failure" and tostring(customDimensions["error.type"]) !in ("corrupt-image", "unsupported-format", "empty-image", "too-many-pixels", "invalid-tensor", "cancelled")), total = sum(valueSum) by model = tostring(customDimensions.model) | where total >= 20 | extend rate = failures / total | where rate > ${errorRateThreshold}'
  queueFull: 'customMetrics | where name == "${requests}" and tostring(customDimensions["error.type"]) == "queue-full" | summarize refused = sum(valueSum) by model = tostring(customDimensions.model) | where refused > 0'
  // The Functions host logs this warning when a queue message (a camera upload's blob event, a
  // training-job step) has failed MaxDequeueCount times and is moved to its poison queue.
  poison: 'traces | where message startswith "Message has reached MaxDequeueCount" | project timestamp, message'
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'smartcity'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var alerts = [
  {
    name: 'error-rate'
    description: 'More than ${errorRateThreshold} of a model\'s inference requests failed for a reason the caller did not cause (5 minutes, at least 20 requests).'
    severity: 1
    query: queries.errorRate
  }
  {
    name: 'queue-full'
    description: 'A model\'s queue was full and requests were refused with 503 (Inference__MaxQueueLength): scale out or raise the limits.'
    severity: 2
    query: queries.queueFull
  }
  {
    name: 'poison-messages'
    description: 'A camera upload event or a training-job step failed every retry and went to a poison queue.'
    severity: 2
    query: queries.poison
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for alert in alerts: {
  name: '${namePrefix}-${alert.name}'
  location: location
  tags: tags
  properties: {
    displayName: '${namePrefix}: ${alert.name}'
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: empty(alertEmail) ? [] : [
        actionGroup.id
      ]
    }
  }
}]

// The workbook: one KQL chart per question an operator asks, over the last day.
var workbookItems = [
  {
    type: 1
    content: {
      json: '## SmartCity.Serverless\nRequests, latency and batching per model and version; camera uploads and training jobs by outcome.'
    }
  }
  {
    type: 3
    content: {
      version: 'KqlItem/1.0'
      title: 'Inference requests by model and outcome'
      query: 'customMetrics | where name == "${requests}" | summarize requests = sum(valueSum) by bin(timestamp, 5m), series = strcat(tostring(customDimensions.model), "/", tostring(customDimensions["model.version"]), " ", tostring(customDimensions.outcome))'
      visualization: 'timechart'
      timeContext: { durationMs: 86400000 }
      queryType: 0
      resourceType: 'microsoft.insights/components'
    }
  }
  {
    type: 3
    content: {
      version: 'KqlItem/1.0'
      title: 'Mean request, queue and compute time (s) by model'
      query: 'customMetrics | where name in ("smartcity.inference.request.duration", "smartcity.inference.queue.duration", "smartcity.inference.compute.duration") | summarize seconds = sum(valueSum) / sum(valueCount) by bin(timestamp, 5m), series = strcat(tostring(customDimensions.model), " ", name)'
      visualization: 'timechart'
      timeContext: { durationMs: 86400000 }
      queryType: 0
      resourceType: 'microsoft.insights/components'
    }
  }
  {
    type: 3
    content: {
      version: 'KqlItem/1.0'
      title: 'Mean batch size by model'
      query: 'customMetrics | where name == "smartcity.inference.batch.size" | summarize batch = sum(valueSum) / sum(valueCount) by bin(timestamp, 5m), model = tostring(customDimensions.model)'
      visualization: 'timechart'
      timeContext: { durationMs: 86400000 }
      queryType: 0
      resourceType: 'microsoft.insights/components'
    }
  }
  {
    type: 3
    content: {
      version: 'KqlItem/1.0'
      title: 'Camera uploads by outcome'
      query: 'customMetrics | where name == "smartcity.camera.uploads" | summarize uploads = sum(valueSum) by bin(timestamp, 15m), outcome = iff(tostring(customDimensions.stale) == "True", "stale", tostring(customDimensions.outcome))'
      visualization: 'barchart'
      timeContext: { durationMs: 86400000 }
      queryType: 0
      resourceType: 'microsoft.insights/components'
    }
  }
  {
    type: 3
    content: {
      version: 'KqlItem/1.0'
      title: 'Training and calibration jobs by kind, model and outcome'
      query: 'customMetrics | where name == "smartcity.training.jobs" | summarize jobs = sum(valueSum) by kind = tostring(customDimensions.kind), model = tostring(customDimensions.model), outcome = tostring(customDimensions.outcome)'
      visualization: 'table'
      timeContext: { durationMs: 604800000 }
      queryType: 0
      resourceType: 'microsoft.insights/components'
    }
  }
]

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; this one is stable per component.
  name: guid(resourceGroup().id, applicationInsightsName, 'smartcity-operations-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: '${namePrefix} operations'
    category: 'workbook'
    sourceId: applicationInsightsId
    serializedData: string({
      version: 'Notebook/1.0'
      items: workbookItems
      fallbackResourceIds: [
        applicationInsightsId
      ]
    })
  }
}

@description('Resource ID of the operations workbook.')
output workbookId string = workbook.id

@description('Names of the alert rules.')
output alertRuleNames array = [for (alert, i) in alerts: alertRules[i].name]
