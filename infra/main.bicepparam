using './main.bicep'

// azd sets these from the environment (.azure/<env>/.env); the defaults let the file build
// outside azd, e.g. in the infra tests.
param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'dev')
param location = readEnvironmentVariable('AZURE_LOCATION', 'eastus2')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
// User, ServicePrincipal or Group. The preprovision hook (scripts/preprovision-principal-type.*)
// sets it from `az account show` when it is not set; empty (unknown) leaves principalType out of
// the deploying principal's role assignments, so a service principal is never sent as a User.
param principalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', '')
param resourceGroupName = readEnvironmentVariable('AZURE_RESOURCE_GROUP', '')

// Optional knobs: `azd env set <NAME> <value>` before `azd provision` to change them.
param imageRetentionDays = int(readEnvironmentVariable('IMAGE_RETENTION_DAYS', '30'))
param maximumInstanceCount = int(readEnvironmentVariable('FUNCTION_MAXIMUM_INSTANCE_COUNT', '100'))
param alwaysReadyHttpInstances = int(readEnvironmentVariable('FUNCTION_ALWAYS_READY_HTTP_INSTANCES', '0'))
param cameraModels = readEnvironmentVariable('CAMERA_MODELS', 'vehicle-type')
param cameraModelRoutes = readEnvironmentVariable('CAMERA_MODEL_ROUTES', 'frames-=traffic-scene;edge-=vehicle-type')
param warmUpModels = readEnvironmentVariable('INFERENCE_WARMUP_MODELS', 'vehicle-type,traffic-scene')
