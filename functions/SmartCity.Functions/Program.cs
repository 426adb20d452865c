using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using SmartCity.Functions.Cameras;
using SmartCity.Functions.Http;
using SmartCity.Functions.Infrastructure;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddTelemetry();
builder.AddInference();
builder.AddHttpApi();
builder.AddCameraPipeline();
builder.Build().Run();
