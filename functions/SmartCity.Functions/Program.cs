using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using SmartCity.Cameras;
using SmartCity.Functions.Http;
using SmartCity.Functions.Infrastructure;
using SmartCity.Functions.Reclassify;
using SmartCity.Functions.Security;
using SmartCity.Functions.Training;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddTelemetry();
builder.Services.AddCameraPipeline(); // and the inference engine it runs on
builder.Services.AddTrainingJobs(); // and the blob model repository beside the bundled models
builder.Services.AddReclassification(); // reclassifying stored camera results, on the camera pipeline's store
builder.AddHttpApi();
builder.AddAppRoleAuthorization(); // camera routes need Cameras.Read when Easy Auth is on
builder.Build().Run();
