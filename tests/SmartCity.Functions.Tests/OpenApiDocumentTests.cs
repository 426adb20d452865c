extern alias JsonSchemaNet;

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JsonSchemaNet::Json.Schema;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SkiaSharp;
using SmartCity.Functions.Http;
using SmartCity.Functions.Http.CustomVision;
using SmartCity.Functions.Http.OpenInference;
using SmartCity.Functions.Tests.CustomVision;
using SmartCity.Inference.Runtime;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests;

/// <summary>
/// The committed OpenAPI document (<c>functions/SmartCity.Functions/openapi.json</c>, served by
/// <c>GET /api/openapi.json</c>) against the app: it reads as OpenAPI 3.1 (Microsoft.OpenApi); its
/// paths, methods, operation ids and key levels are exactly the HTTP functions of the generated
/// <c>functions.metadata</c>, both ways; and the answers the functions give in-process validate
/// against the response schemas the document declares for their route, status and content type
/// (JsonSchema.Net, as OpenAPI 3.1 schemas are JSON Schema 2020-12).
/// </summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private const string Project = "64b822c5-8082-4b36-a426-27225f4aa18c";
    private const string PredictionKey = "a-prediction-key-for-the-openapi-tests";
    private InferenceEngine _engine = null!;

    public Task InitializeAsync()
    {
        _engine = TestSupport.FixtureEngine();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static string DocumentPath => Path.Combine(TestPaths.RepositoryRoot, "functions", "SmartCity.Functions", "openapi.json");

    private static JsonNode Document() => JsonNode.Parse(File.ReadAllText(DocumentPath))!;

    /// <summary>
    /// (function name, route, method, authLevel) of every HTTP trigger in functions.metadata; a catch-all
    /// parameter (<c>{*path}</c>) is written as OpenAPI writes a path parameter (<c>{path}</c>).
    /// </summary>
    private static List<(string Name, string Route, string Method, string AuthLevel)> HttpTriggers()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(TestPaths.FunctionsMetadata));
        return [.. metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
                .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m => (
                    f.GetProperty("name").GetString()!,
                    b.GetProperty("route").GetString()!.Replace("{*", "{", StringComparison.Ordinal),
                    m.GetString()!.ToLowerInvariant(),
                    b.GetProperty("authLevel").GetString()!))))];
    }

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private static List<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        [.. document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(member => Methods.Contains(member.Key))
            .Select(member => (path.Key, member.Key, member.Value!)))];

    [Fact]
    public void The_document_reads_as_OpenAPI_3_1_without_errors()
    {
        var result = OpenApiDocument.Parse(File.ReadAllText(DocumentPath), "json");

        Assert.Empty(result.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic?.SpecificationVersion);
        var document = result.Document!;
        Assert.Equal(HttpTriggers().Count, document.Paths.Sum(p => p.Value.Operations?.Count ?? 0));
        var ids = document.Paths.SelectMany(p => p.Value.Operations!.Values.Select(o => o.OperationId)).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_HTTP_function_is_in_the_document_with_its_method_operation_id_and_key()
    {
        var document = Document();
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        var problems = new List<string>();
        foreach (var (name, route, method, authLevel) in HttpTriggers())
        {
            var operation = document["paths"]![$"/{route}"]?[method];
            if (operation is null)
            {
                problems.Add($"{method.ToUpperInvariant()} /{route} ({name}) is not in the document");
                continue;
            }

            if ((string?)operation["operationId"] != name)
            {
                problems.Add($"{method.ToUpperInvariant()} /{route}: operationId '{operation["operationId"]}', the function is {name}");
            }

            if ((string?)operation["x-functions-auth-level"] != authLevel)
            {
                problems.Add($"{name}: x-functions-auth-level '{operation["x-functions-auth-level"]}', the host has {authLevel}");
            }

            // What the caller must send: the host's key for Function and Admin, no host key for Anonymous.
            var sent = operation["security"]!.AsArray().SelectMany(requirement => requirement!.AsObject().Select(s => schemes[s.Key]!)).ToList();
            var hostKey = sent.Any(s => (string?)s["name"] is "x-functions-key" or "code");
            if (hostKey != (authLevel != "Anonymous"))
            {
                problems.Add($"{name}: {(hostKey ? "asks" : "does not ask")} for a host key, but its level is {authLevel}");
            }

            if (authLevel == "Admin" && sent.Any(s => !((string?)s["description"])!.Contains("master key", StringComparison.Ordinal)))
            {
                problems.Add($"{name}: an admin function must name the master key");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_path_and_method_of_the_document_is_a_real_route()
    {
        var routes = HttpTriggers().Select(t => (Path: $"/{t.Route}", t.Method)).ToHashSet();
        var unknown = Operations(Document()).Where(o => !routes.Contains((o.Path, o.Method))).Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToList();
        Assert.True(unknown.Count == 0, $"The document has operations of no function: {string.Join(", ", unknown)}");
    }

    [Fact]
    public async Task The_route_serves_the_committed_document()
    {
        var context = Request("GET", "/api/openapi.json");
        var response = await InvokeAsync(context, () => new OpenApiFunctions().GetOpenApiDocument(context.Request));

        Assert.Equal(200, response.Status);
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(DocumentPath), response.Body);
    }

    /// <summary>
    /// The schema the document declares for an answer of one operation (by status and content type),
    /// as a JSON Schema of its own: the document's components become its <c>$defs</c>.
    /// </summary>
    private static JsonSchema ResponseSchema(string path, string method, int status, string contentType)
    {
        var document = Document();
        var operation = document["paths"]![path]?[method] ?? throw new Xunit.Sdk.XunitException($"{method} {path} is not in the document");
        var schema = operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["content"]?[contentType]?["schema"]
            ?? throw new Xunit.Sdk.XunitException($"{method} {path} declares no {contentType} schema for {status}");
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = document["components"]!["schemas"]!.DeepClone(),
            ["allOf"] = new JsonArray(schema.DeepClone()),
        };
        var text = root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        return JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"urn:smartcity:openapi:{Guid.NewGuid():N}"));
    }

    private static void AssertValid(JsonSchema schema, Response response, string contentType)
    {
        Assert.StartsWith(contentType, response.ContentType, StringComparison.Ordinal);
        var result = schema.Evaluate(response.Json, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"));
        Assert.True(result.IsValid, $"{response.Body}{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    private static bool IsValid(JsonSchema schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        return schema.Evaluate(document.RootElement).IsValid;
    }

    private PredictFunctions Predict() => new(new PredictHandler(_engine, TestSupport.HttpOptions()));

    [Theory]
    [InlineData("channel-logits")]
    [InlineData("channel-embedding")]
    [InlineData("custom-vision-detector")]
    public async Task Predict_answers_validate_against_the_documented_schema(string model)
    {
        var (body, contentType) = await TestSupport.Multipart(("red.png", TestSupport.Solid(SKColors.Red, size: 8)), ("white.png", TestSupport.Solid(SKColors.White, size: 8)));
        var context = Request("POST", $"/api/models/{model}/predict", body, contentType);
        var response = await InvokeAsync(context, () => Predict().Predict(context.Request, model));

        Assert.Equal(200, response.Status);
        AssertValid(ResponseSchema("/models/{model}/predict", "post", 200, "application/json"), response, "application/json");

        var version = Request("POST", $"/api/models/{model}/versions/1/predict", TestSupport.Solid(SKColors.Blue), "image/png");
        var versionResponse = await InvokeAsync(version, () => Predict().PredictVersion(version.Request, model, "1"));
        Assert.Equal(200, versionResponse.Status);
        AssertValid(ResponseSchema("/models/{model}/versions/{version}/predict", "post", 200, "application/json"), versionResponse, "application/json");
    }

    [Fact]
    public async Task A_traffic_scene_answer_with_its_vehicle_estimate_validates_against_the_documented_schema()
    {
        await using var engine = TestSupport.BundledEngine();
        var functions = new PredictFunctions(new PredictHandler(engine, TestSupport.HttpOptions()));
        var frame = File.ReadAllBytes(TestSupport.Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"));
        var context = Request("POST", "/api/models/traffic-scene/predict", frame, "image/jpeg");
        var response = await InvokeAsync(context, () => functions.Predict(context.Request, "traffic-scene"));

        Assert.Equal(200, response.Status);
        Assert.True(response.Json.GetProperty("images")[0].TryGetProperty("estimates", out _));
        var schema = ResponseSchema("/models/{model}/predict", "post", 200, "application/json");
        AssertValid(schema, response, "application/json");
        Assert.False(IsValid(schema, response.Body.Replace("\"vehicles\":", "\"vehicles\":\"many\",\"x\":", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Explain_and_predict_with_explain_validate_against_the_documented_schema()
    {
        var explain = new ExplainFunctions(new PredictHandler(_engine, TestSupport.HttpOptions()));
        var context = Request("POST", "/api/models/channel-logits/explain", TestSupport.Solid(SKColors.Red, size: 8), "image/png");
        var response = await InvokeAsync(context, () => explain.Explain(context.Request, "channel-logits"));
        Assert.Equal(200, response.Status);
        Assert.True(response.Json.GetProperty("images")[0].TryGetProperty("explanation", out _));
        AssertValid(ResponseSchema("/models/{model}/explain", "post", 200, "application/json"), response, "application/json");

        var predict = Request("POST", "/api/models/channel-logits/predict", TestSupport.Solid(SKColors.Red, size: 8), "image/png", "explain=true");
        var predictResponse = await InvokeAsync(predict, () => Predict().Predict(predict.Request, "channel-logits"));
        Assert.Equal(200, predictResponse.Status);
        AssertValid(ResponseSchema("/models/{model}/predict", "post", 200, "application/json"), predictResponse, "application/json");
    }

    [Theory]
    [InlineData("text/plain", 415)]
    [InlineData("image/png", 400)]
    public async Task Predict_errors_validate_against_the_documented_problem_schema(string contentType, int status)
    {
        var context = Request("POST", "/api/models/channel-logits/predict", TestSupport.CorruptPng(), contentType);
        var response = await InvokeAsync(context, () => Predict().Predict(context.Request, "channel-logits"));

        Assert.Equal(status, response.Status);
        AssertValid(ResponseSchema("/models/{model}/predict", "post", status, "application/problem+json"), response, "application/problem+json");
    }

    [Fact]
    public async Task Model_listing_and_details_validate_against_the_documented_schemas()
    {
        var functions = new ModelFunctions(new ModelCatalog(_engine));
        var list = Request("GET", "/api/models");
        var listResponse = await InvokeAsync(list, () => functions.ListModels(list.Request));
        AssertValid(ResponseSchema("/models", "get", 200, "application/json"), listResponse, "application/json");

        foreach (var model in new[] { "channel-logits", "custom-vision-detector" })
        {
            var details = Request("GET", $"/api/models/{model}");
            var detailsResponse = await InvokeAsync(details, () => functions.GetModel(details.Request, model));
            Assert.Equal(200, detailsResponse.Status);
            AssertValid(ResponseSchema("/models/{model}", "get", 200, "application/json"), detailsResponse, "application/json");
        }
    }

    private CustomVisionFunctions CustomVision()
    {
        var options = Options.Create(new CustomVisionOptions
        {
            Projects = $"{Project}/Trees=custom-vision-classifier; {Project}/Cars=custom-vision-detector",
            PredictionKeySha256 = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(PredictionKey))),
        });
        return new(new CustomVisionHandler(_engine, TestSupport.HttpOptions(), options, new ImageUrlFetcher(new NoHttpClients(), options), TimeProvider.System));
    }

    [Fact]
    public async Task Custom_Vision_answers_and_errors_validate_against_the_documented_schemas()
    {
        const string classify = "/customvision/v3.0/Prediction/{projectId}/classify/iterations/{publishedName}/image";
        const string detect = "/customvision/v3.0/Prediction/{projectId}/detect/iterations/{publishedName}/image";
        var functions = CustomVision();

        var classified = Call("classify/iterations/Trees/image", PredictionKey);
        var classifiedResponse = await InvokeAsync(classified, () => functions.CustomVisionClassifyImage(classified.Request, Project, "Trees"));
        Assert.Equal(200, classifiedResponse.Status);
        AssertValid(ResponseSchema(classify, "post", 200, "application/json"), classifiedResponse, "application/json");

        var detected = Call("detect/iterations/Cars/image/nostore", PredictionKey);
        var detectedResponse = await InvokeAsync(detected, () => functions.CustomVisionDetectImageNoStore(detected.Request, Project, "Cars"));
        Assert.Equal(200, detectedResponse.Status);
        Assert.True(detectedResponse.Json.GetProperty("predictions")[0].TryGetProperty("boundingBox", out _));
        AssertValid(ResponseSchema(detect + "/nostore", "post", 200, "application/json"), detectedResponse, "application/json");

        var refused = Call("detect/iterations/Cars/image", "not-the-key");
        var refusedResponse = await InvokeAsync(refused, () => functions.CustomVisionDetectImage(refused.Request, Project, "Cars"));
        Assert.Equal(401, refusedResponse.Status);
        AssertValid(ResponseSchema(detect, "post", 401, "application/json"), refusedResponse, "application/json");

        var wrongTask = Call("classify/iterations/Cars/image/nostore", PredictionKey);
        var wrongTaskResponse = await InvokeAsync(wrongTask, () => functions.CustomVisionClassifyImageNoStore(wrongTask.Request, Project, "Cars"));
        Assert.Equal(400, wrongTaskResponse.Status);
        AssertValid(ResponseSchema(classify + "/nostore", "post", 400, "application/json"), wrongTaskResponse, "application/json");
    }

    private static Microsoft.AspNetCore.Http.HttpContext Call(string route, string key)
    {
        var context = Request("POST", $"/api/customvision/v3.0/Prediction/{Project}/{route}", TestSupport.Solid(SKColors.White, size: 8), "application/octet-stream");
        context.Request.Headers[CustomVisionHandler.KeyHeader] = key;
        return context;
    }

    [Fact]
    public async Task Open_Inference_answers_and_errors_validate_against_the_documented_schemas()
    {
        var functions = new OpenInferenceFunctions(new OpenInferenceHandler(_engine, TestSupport.HttpOptions()));
        var image = Convert.ToBase64String(TestSupport.Solid(SKColors.Red));
        var infer = Json("POST", "/api/v2/models/channel-logits/infer", $$$"""{"id":"1","inputs":[{"name":"pixels","shape":[1],"datatype":"BYTES","data":["{{{image}}}"]}],"outputs":[{"name":"probabilities","parameters":{"classification":2}}]}""");
        var inferResponse = await InvokeAsync(infer, () => functions.V2Infer(infer.Request, "channel-logits"));
        Assert.Equal(200, inferResponse.Status);
        AssertValid(ResponseSchema("/v2/models/{model}/infer", "post", 200, "application/json"), inferResponse, "application/json");

        var bad = Json("POST", "/api/v2/models/channel-logits/versions/1/infer", """{"inputs":[]}""");
        var badResponse = await InvokeAsync(bad, () => functions.V2VersionInfer(bad.Request, "channel-logits", "1"));
        Assert.Equal(400, badResponse.Status);
        AssertValid(ResponseSchema("/v2/models/{model}/versions/{version}/infer", "post", 400, "application/json"), badResponse, "application/json");

        var server = Request("GET", "/api/v2");
        var serverResponse = await InvokeAsync(server, () => functions.V2ServerMetadata(server.Request));
        AssertValid(ResponseSchema("/v2", "get", 200, "application/json"), serverResponse, "application/json");

        var metadata = Request("GET", "/api/v2/models/custom-vision-detector");
        var metadataResponse = await InvokeAsync(metadata, () => functions.V2ModelMetadata(metadata.Request, "custom-vision-detector"));
        AssertValid(ResponseSchema("/v2/models/{model}", "get", 200, "application/json"), metadataResponse, "application/json");
    }

    [Fact]
    public async Task Health_answers_validate_against_the_documented_schemas()
    {
        await using var engine = TestSupport.FixtureEngine(o => o.WarmUpModels = "channel-logits");
        var health = new HealthFunctions(engine);
        var notReady = Request("GET", "/api/health/ready");
        var notReadyResponse = await InvokeAsync(notReady, () => health.HealthReady(notReady.Request));
        Assert.Equal(503, notReadyResponse.Status);
        AssertValid(ResponseSchema("/health/ready", "get", 503, "application/problem+json"), notReadyResponse, "application/problem+json");

        var live = Request("GET", "/api/health/live");
        var liveResponse = await InvokeAsync(live, () => health.HealthLive(live.Request));
        AssertValid(ResponseSchema("/health/live", "get", 200, "application/json"), liveResponse, "application/json");
    }

    /// <summary>The check above can fail: an answer with a property the schema does not have, or without one it requires, or of the wrong type, is refused.</summary>
    [Theory]
    [InlineData("""{"model":"m","version":"1","images":[],"extra":1}""")]
    [InlineData("""{"model":"m","images":[]}""")]
    [InlineData("""{"model":"m","version":1,"images":[]}""")]
    [InlineData("""{"model":"m","version":"1","images":[{"width":1,"height":1,"timings":{"decodeMs":0,"resizeMs":0,"queueMs":0,"inferenceMs":0,"postprocessMs":0,"batchSize":1},"predictions":[{"label":"a","probability":"high"}]}]}""")]
    public void A_body_unlike_the_documented_schema_is_refused(string json)
    {
        var schema = ResponseSchema("/models/{model}/predict", "post", 200, "application/json");
        Assert.True(IsValid(schema, """{"model":"m","version":"1","images":[{"width":1,"height":1,"timings":{"decodeMs":0,"resizeMs":0,"queueMs":0,"inferenceMs":0,"postprocessMs":0,"batchSize":1},"predictions":[{"label":"a","probability":0.5}]}]}"""));
        Assert.False(IsValid(schema, json));
    }

    [Fact]
    public void Camera_answers_as_the_camera_functions_serialize_them_validate_against_the_documented_schemas()
    {
        var t0 = new DateTimeOffset(2026, 2, 4, 7, 0, 0, TimeSpan.Zero);
        var summary = new SmartCity.Cameras.Storage.CameraSummary(
            "2702",
            t0,
            t0.AddHours(2),
            "hour",
            [new(t0, "traffic-scene", "heavy", 2, 1, 1)],
            3,
            1,
            [new(t0, t0.AddMinutes(5), 2)],
            true,
            t0,
            [new(t0, "parking-detector", "car", 1, 2, 2, 2)],
            1,
            [new(t0, "traffic-scene", "vehicles", 2, 10, 14, 1)]);
        var summaryJson = JsonSerializer.Serialize(summary, SmartCity.Functions.Cameras.CameraApiJsonContext.Default.CameraSummary);
        var summarySchema = ResponseSchema("/cameras/{cameraId}/summary", "get", 200, "application/json");
        Assert.True(IsValid(summarySchema, summaryJson), summaryJson);
        Assert.False(IsValid(summarySchema, summaryJson.Replace("\"estimates\"", "\"estimate\"", StringComparison.Ordinal)));

        var item = new SmartCity.Cameras.Storage.CameraClassification(
            "2702", "a.jpg", t0, "classified", "traffic-scene", "3", "heavy", 0.6f, [new("heavy", 0.6f), new("free", 0.3f)], 640, 480,
            "https://st.example/camera-images/2702/a.jpg", "\"0x1\"", null, "id-1", false, t0,
            new Dictionary<string, string> { ["lighting"] = "day" }, null,
            "traffic-scene.cam-2702", true, "unsure", ["low-margin"], 0.1f, new Dictionary<string, float> { ["vehicles"] = 12.5f });
        var page = new SmartCity.Cameras.Storage.CameraClassificationPage("2702", t0, t0.AddHours(1), [item], "token");
        var pageJson = JsonSerializer.Serialize(page, SmartCity.Functions.Cameras.CameraApiJsonContext.Default.CameraClassificationPage);
        var pageSchema = ResponseSchema("/cameras/{cameraId}/classifications", "get", 200, "application/json");
        Assert.True(IsValid(pageSchema, pageJson), pageJson);
        Assert.False(IsValid(pageSchema, pageJson.Replace("\"unsure\"", "\"maybe\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Calibration_jobs_as_the_functions_serialize_them_validate_against_the_documented_schema()
    {
        var t0 = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var job = new SmartCity.Functions.Training.CalibrationJobDocument
        {
            Id = "20261201090000-0123456789ab",
            Model = "traffic-scene",
            CameraId = "2702",
            BaseVersion = "2",
            CameraModel = "traffic-scene.cam-2702",
            Request = new() { CameraId = "2702", Data = new() { LabelsCsv = "calibration/2702/labels.csv" } },
            RequestedBy = "admin key",
            State = SmartCity.Functions.Training.TrainingJobState.Succeeded,
            CreatedAt = t0,
            UpdatedAt = t0.AddSeconds(30),
            StartedAt = t0.AddSeconds(1),
            FinishedAt = t0.AddSeconds(30),
            Frames = [new("calibration/2702/a.jpg", "free", "day", true), new("calibration/2702/b.jpg", "heavy", "night", false)],
            SkippedUnusable = 1,
            FramesRead = 1,
            Unreadable = [new("calibration/2702/b.jpg", "corrupt-image: not an image")],
            LeaveOneOutCongestion = 0.9,
            PublishedVersion = "1",
            PublishedIsDefault = true,
        };
        var json = JsonSerializer.Serialize(SmartCity.Functions.Training.CalibrationJobView.Of(job), SmartCity.Functions.Training.TrainingJsonContext.Default.CalibrationJobView);
        var schema = ResponseSchema("/models/{model}/calibrations/{jobId}", "get", 200, "application/json");
        Assert.True(IsValid(schema, json), json);
        Assert.True(IsValid(ResponseSchema("/models/{model}/calibrations", "post", 202, "application/json"), json), json);
        Assert.False(IsValid(schema, json.Replace("\"succeeded\"", "\"done\"", StringComparison.Ordinal)));
        Assert.False(IsValid(schema, json.Replace("\"isDefault\"", "\"default\"", StringComparison.Ordinal)));
    }
}
