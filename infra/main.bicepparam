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

// Security (README "Security"). Easy Auth needs an app registration made first (its client ID);
// the IP lists are comma-separated, e.g. azd env set STORAGE_ALLOWED_IP_RANGES 203.0.113.7,198.51.100.0/24
param entraAuthEnabled = bool(readEnvironmentVariable('ENTRA_AUTH_ENABLED', 'false'))
param entraTenantId = readEnvironmentVariable('ENTRA_TENANT_ID', '')
param entraClientId = readEnvironmentVariable('ENTRA_CLIENT_ID', '')
param restrictStorageNetwork = bool(readEnvironmentVariable('RESTRICT_STORAGE_NETWORK', 'false'))
param storageAllowedIpRanges = filter(map(split(readEnvironmentVariable('STORAGE_ALLOWED_IP_RANGES', ''), ','), range => trim(range)), range => !empty(range))
param functionAppAllowedIpRanges = filter(map(split(readEnvironmentVariable('FUNCTION_APP_ALLOWED_IP_RANGES', ''), ','), range => trim(range)), range => !empty(range))
param alertEmail = readEnvironmentVariable('ALERT_EMAIL', '')
