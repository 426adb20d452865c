metadata description = 'Types shared by main.bicep and its modules.'

// Each property is one app setting: its name is the setting's key without the "__" section
// separator, camel-cased (Inference__MaxPixels -> inferenceMaxPixels). The limits are the ones
// the app checks at start (its options classes), so a value the app would refuse fails the
// deployment instead. main.bicep's parameters repeat them for azd and the README (Bicep warns
// when a parameter's range is wider; the infra tests check that they are equal).
@export()
@sealed()
@description('The function app\'s own application settings (the contract is local.settings.sample.json), set once in main.bicep and mapped to app settings by functionapp.bicep.')
type appSettingsType = {
  @description('Container the cameras upload to; the blob trigger reads it as %CameraImagesContainer% (CameraImagesContainer).')
  @minLength(3)
  @maxLength(63)
  cameraImagesContainer: string

  @description('Container of the classification documents (Camera__ResultsContainer).')
  @minLength(3)
  @maxLength(63)
  cameraResultsContainer: string

  @description('Container of the rejection records (Camera__RejectedContainer).')
  @minLength(3)
  @maxLength(63)
  cameraRejectedContainer: string

  @description('Table that indexes the classification results (Camera__TableName).')
  @minLength(3)
  @maxLength(63)
  cameraTableName: string

  @description('Comma-separated models a camera image runs through when no route matches (Camera__Models).')
  @minLength(1)
  cameraModels: string

  @description('Models per camera path prefix, prefix=model[+model];... (Camera__ModelRoutes); empty: every image runs cameraModels.')
  cameraModelRoutes: string

  @description('Cosine distance of frame embeddings, a decimal number from 0 to 1, at or below which a frame repeats the previous picture (Camera__StaleDistanceThreshold).')
  @minLength(1)
  cameraStaleDistanceThreshold: string

  @description('Largest camera upload read, in bytes; larger ones are rejected without being downloaded (Camera__MaxImageBytes).')
  @minValue(1)
  @maxValue(268435456)
  cameraMaxImageBytes: int

  @description('Labels kept per model, most probable first (Camera__TopLabels).')
  @minValue(1)
  @maxValue(100)
  cameraTopLabels: int

  @description('Camera results whose top probability is below this (0 to 1, as text) get an explanation; 0 never (Camera__ExplainBelowProbability).')
  @minLength(1)
  cameraExplainBelowProbability: string

  @description('Camera results whose primary head leads its second label by less than this (0 to 1, as text) are unsure (low-margin); 0 never (Camera__UnsureMargin).')
  @minLength(1)
  cameraUnsureMargin: string

  @description('Comma-separated models that expect a calibrated model per camera ({model}.cam-{cameraId}); a camera without one gets unsure results (uncalibrated-camera). Empty: none (Camera__CalibratedModels).')
  cameraCalibratedModels: string

  @description('Largest decoded image in pixels (Inference__MaxPixels).')
  @minValue(1)
  @maxValue(500000000)
  inferenceMaxPixels: int

  @description('ONNX Runtime intra-op threads; 0 uses the processors the process gets (Inference__IntraOpThreads).')
  @minValue(0)
  @maxValue(256)
  inferenceIntraOpThreads: int

  @description('Largest inference batch (Inference__MaxBatchSize).')
  @minValue(1)
  @maxValue(256)
  inferenceMaxBatchSize: int

  @description('Longest wait in milliseconds for a batch to fill (Inference__MaxQueueDelayMs).')
  @minValue(0)
  @maxValue(1000)
  inferenceMaxQueueDelayMs: int

  @description('Longest inference queue per model before requests are refused (Inference__MaxQueueLength).')
  @minValue(1)
  @maxValue(100000)
  inferenceMaxQueueLength: int

  @description('Most full-size image decodes at once (PNG, progressive JPEG over a megapixel); 0 means one per processor (Inference__MaxFullSizeDecodes).')
  @minValue(0)
  @maxValue(256)
  inferenceMaxFullSizeDecodes: int

  @description('Comma-separated models loaded and run once at start; readiness waits for them (Inference__WarmUpModels).')
  inferenceWarmUpModels: string

  @description('Cells per side of the occlusion grid of an explanation (Inference__ExplainGrid).')
  @minValue(2)
  @maxValue(12)
  inferenceExplainGrid: int

  @description('ONNX Runtime\'s CPU memory arena, which keeps the largest activations for reuse and never shrinks (Inference__EnableCpuMemArena).')
  inferenceEnableCpuMemArena: bool

  @description('ONNX Runtime\'s memory pattern, one planned activation block per input shape (Inference__EnableMemoryPattern).')
  inferenceEnableMemoryPattern: bool

  @description('Cache of ONNX Runtime\'s optimised models under the instance\'s temporary folder, for restarts on the same instance (Inference__OptimizedModelCache).')
  inferenceOptimizedModelCache: bool

  @description('Largest HTTP request body in bytes (Http__MaxBodyBytes).')
  @minValue(1024)
  @maxValue(26214400)
  httpMaxBodyBytes: int

  @description('Most images (or tensor items) in one request; more are a 413 before any is decoded; at most Inference__MaxQueueLength (Http__MaxImagesPerRequest).')
  @minValue(1)
  @maxValue(1024)
  httpMaxImagesPerRequest: int

  // --- Model repository and training jobs (issue 13) ---

  @description('Container of the published model versions on the ModelStorage connection (ModelRepository__Container).')
  @minLength(3)
  @maxLength(63)
  modelRepositoryContainer: string

  @description('Seconds between two reads of the model repository container by each instance (Inference__RepositoryRefreshSeconds).')
  @minValue(1)
  @maxValue(3600)
  inferenceRepositoryRefreshSeconds: int

  @description('Queue whose messages run the training-job steps; the queue trigger reads it as %TrainingJobsQueue% (TrainingJobsQueue).')
  @minLength(3)
  @maxLength(63)
  trainingJobsQueue: string

  @description('Container of the labelled training images (Training__DataContainer).')
  @minLength(3)
  @maxLength(63)
  trainingDataContainer: string

  @description('Container of the training jobs\' state, embeddings and packages (Training__JobsContainer).')
  @minLength(3)
  @maxLength(63)
  trainingJobsContainer: string

  @description('Images one training-job message embeds, bounding an invocation below the function timeout (Training__ImagesPerMessage).')
  @minValue(1)
  @maxValue(1000)
  trainingImagesPerMessage: int

  @description('Fewer labelled images than this for a label fail a training job (Training__MinImagesPerLabel).')
  @minValue(3)
  @maxValue(100000)
  trainingMinImagesPerLabel: int

  @description('Most labelled images one training job takes (Training__MaxImages).')
  @minValue(10)
  @maxValue(200000)
  trainingMaxImages: int

  @description('Queue of the reclassification listings and batches; the queue trigger reads it as %ReclassifyQueue% (ReclassifyQueue).')
  @minLength(3)
  @maxLength(56)
  reclassifyQueue: string

  @description('Container of the reclassification jobs\' documents and batches (Reclassify__JobsContainer).')
  @minLength(3)
  @maxLength(63)
  reclassifyJobsContainer: string

  @description('Uploads one reclassification batch message reclassifies (Reclassify__BlobsPerMessage).')
  @minValue(1)
  @maxValue(1000)
  reclassifyBlobsPerMessage: int

  @description('Uploads of one batch reclassified at once (Reclassify__ParallelBlobs).')
  @minValue(1)
  @maxValue(64)
  reclassifyParallelBlobs: int

  @description('Most images one explain request may carry (Http__MaxExplainImages).')
  @minValue(1)
  @maxValue(4)
  httpMaxExplainImages: int

  @description('Custom Vision projects and published iterations served, as projectId/publishedName=model[@version] separated by ; (CustomVision__Projects).')
  customVisionProjects: string

  @description('SHA-256 hashes (hex) of the accepted Custom Vision Prediction-Key values, separated by ; (CustomVision__PredictionKeySha256).')
  customVisionPredictionKeySha256: string

  @description('Hosts the Custom Vision /url routes may fetch images from (https, public addresses only), separated by ; (CustomVision__UrlAllowedHosts). Empty: every /url call is refused with 403.')
  customVisionUrlAllowedHosts: string

  @description('Seconds a Custom Vision /url call may take to fetch its image, redirects and body included (CustomVision__UrlTimeoutSeconds).')
  @minValue(1)
  @maxValue(60)
  customVisionUrlTimeoutSeconds: int

  @description('App Service authentication (Easy Auth) with Entra ID is on, so the app trusts X-MS-CLIENT-PRINCIPAL and the camera routes require the Cameras.Read role (EasyAuth__Enabled).')
  easyAuthEnabled: bool
}

@export()
@sealed()
@description('The blob containers and the table of the storage account, by what each holds; named once in main.bicep for the storage, role and Event Grid modules.')
type storageLayoutType = {
  @description('Container of the deployment package that Flex Consumption deploys and starts from.')
  @minLength(3)
  @maxLength(63)
  deploymentContainer: string

  @description('The Functions host\'s container of locks and leases (azure-webjobs-hosts, AzureWebJobsStorage).')
  @minLength(3)
  @maxLength(63)
  hostLocksContainer: string

  @description('The Functions host\'s container of function and system keys (azure-webjobs-secrets, AzureWebJobsStorage).')
  @minLength(3)
  @maxLength(63)
  hostKeysContainer: string

  @description('Container the cameras upload to; the app only reads it.')
  @minLength(3)
  @maxLength(63)
  imagesContainer: string

  @description('Container of the classification documents the app writes.')
  @minLength(3)
  @maxLength(63)
  resultsContainer: string

  @description('Container of the rejection records the app writes.')
  @minLength(3)
  @maxLength(63)
  rejectedContainer: string

  @description('Container Event Grid writes the events it could not deliver to.')
  @minLength(3)
  @maxLength(63)
  deadLetterContainer: string

  @description('Table that indexes the results.')
  @minLength(3)
  @maxLength(63)
  table: string
}

@export()
@sealed()
@description('Optional network restrictions, set once in main.bicep for the network, storage and function app modules.')
type networkRulesType = {
  @description('Storage refuses every network but the function app\'s subnet (service endpoint), trusted Azure services and storageAllowedIpRanges.')
  restrictStorage: bool

  @description('Public IPv4 addresses or CIDR ranges (cameras, developers) that may still reach storage when restrictStorage is on.')
  storageAllowedIpRanges: string[]

  @description('Resource ID of the subnet the function app is integrated with when restrictStorage is on; empty otherwise.')
  appSubnetId: string

  @description('IPv4 CIDR ranges that may call the function app; empty: any address (function keys and Easy Auth still apply). Event Grid (service tag AzureEventGrid) is always let in.')
  functionAppAllowedIpRanges: string[]
}
