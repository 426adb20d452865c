using System.Text.Json;

namespace SmartCity.Functions.Tests;

/// <summary>
/// Reads the <c>functions.metadata</c> the Worker SDK generated for the app (the host's view of
/// the functions), so routes, methods and keys cannot drift from what the docs and clients use.
/// </summary>
public sealed class FunctionMetadataTests
{
    public static TheoryData<string, string, string, string> HttpFunctions => new()
    {
        { "HealthLive", "health/live", "get", "Anonymous" },
        { "HealthReady", "health/ready", "get", "Anonymous" },
        { "GetOpenApiDocument", "openapi.json", "get", "Function" },
        { "GetDashboard", "dashboard/{*path}", "get", "Anonymous" },
        { "ListModels", "models", "get", "Function" },
        { "GetModel", "models/{model}", "get", "Function" },
        { "Predict", "models/{model}/predict", "post", "Function" },
        { "PredictVersion", "models/{model}/versions/{version}/predict", "post", "Function" },
        { "Explain", "models/{model}/explain", "post", "Function" },
        { "V2ServerMetadata", "v2", "get", "Function" },
        { "V2ServerLive", "v2/health/live", "get", "Anonymous" },
        { "V2ServerReady", "v2/health/ready", "get", "Anonymous" },
        { "V2ModelMetadata", "v2/models/{model}", "get", "Function" },
        { "V2ModelVersionMetadata", "v2/models/{model}/versions/{version}", "get", "Function" },
        { "V2ModelReady", "v2/models/{model}/ready", "get", "Anonymous" },
        { "V2ModelVersionReady", "v2/models/{model}/versions/{version}/ready", "get", "Anonymous" },
        { "V2Infer", "v2/models/{model}/infer", "post", "Function" },
        { "V2VersionInfer", "v2/models/{model}/versions/{version}/infer", "post", "Function" },
        { "V2Explain", "v2/models/{model}/explain", "post", "Function" },
        { "ListCameras", "cameras", "get", "Function" },
        { "GetCameraClassifications", "cameras/{cameraId}/classifications", "get", "Function" },
        { "GetCameraSummary", "cameras/{cameraId}/summary", "get", "Function" },
        { "V2RepositoryIndex", "v2/repository/index", "post", "Admin" },
        { "V2RepositoryModelLoad", "v2/repository/models/{model}/load", "post", "Admin" },
        { "V2RepositoryModelUnload", "v2/repository/models/{model}/unload", "post", "Admin" },
        { "PublishModelVersion", "models/{model}/versions", "post", "Admin" },
        { "SetModelDefault", "models/{model}/default", "put", "Admin" },
        { "RollBackModelDefault", "models/{model}/default/rollback", "post", "Admin" },
        { "RetireModelVersion", "models/{model}/versions/{version}/retire", "post", "Admin" },
        { "GetModelHistory", "models/{model}/history", "get", "Admin" },
        { "CreateTrainingJob", "models/{model}/training-jobs", "post", "Admin" },
        { "GetTrainingJob", "models/{model}/training-jobs/{jobId}", "get", "Admin" },
        { "CreateCalibrationJob", "models/{model}/calibrations", "post", "Admin" },
        { "GetCalibrationJob", "models/{model}/calibrations/{jobId}", "get", "Admin" },
        { "CreateReclassification", "cameras/reclassifications", "post", "Admin" },
        { "GetReclassification", "cameras/reclassifications/{jobId}", "get", "Admin" },
        { "ListReclassifications", "cameras/reclassifications", "get", "Admin" },
        { "CustomVisionClassifyImage", "customvision/v3.0/Prediction/{projectId}/classify/iterations/{publishedName}/image", "post", "Anonymous" },
        { "CustomVisionClassifyImageNoStore", "customvision/v3.0/Prediction/{projectId}/classify/iterations/{publishedName}/image/nostore", "post", "Anonymous" },
        { "CustomVisionDetectImage", "customvision/v3.0/Prediction/{projectId}/detect/iterations/{publishedName}/image", "post", "Anonymous" },
        { "CustomVisionDetectImageNoStore", "customvision/v3.0/Prediction/{projectId}/detect/iterations/{publishedName}/image/nostore", "post", "Anonymous" },
        { "CustomVisionClassifyImageUrl", "customvision/v3.0/Prediction/{projectId}/classify/iterations/{publishedName}/url", "post", "Anonymous" },
        { "CustomVisionClassifyImageUrlNoStore", "customvision/v3.0/Prediction/{projectId}/classify/iterations/{publishedName}/url/nostore", "post", "Anonymous" },
        { "CustomVisionDetectImageUrl", "customvision/v3.0/Prediction/{projectId}/detect/iterations/{publishedName}/url", "post", "Anonymous" },
        { "CustomVisionDetectImageUrlNoStore", "customvision/v3.0/Prediction/{projectId}/detect/iterations/{publishedName}/url/nostore", "post", "Anonymous" },
    };

    private static Dictionary<string, JsonElement> Triggers()
    {
        Assert.True(File.Exists(TestPaths.FunctionsMetadata), $"{TestPaths.FunctionsMetadata} is missing: the Worker SDK writes it when the app builds.");
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.FunctionsMetadata));
        return document.RootElement.EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray().FirstOrDefault(b => b.GetProperty("type").GetString() == "httpTrigger")))
            .Where(f => f.Trigger.ValueKind == JsonValueKind.Object)
            .ToDictionary(f => f.Name, f => f.Trigger.Clone());
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void Each_HTTP_function_has_its_route_method_and_key_level(string name, string route, string method, string authLevel)
    {
        var trigger = Triggers()[name];
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
    }

    [Fact]
    public void The_app_has_no_HTTP_function_missing_from_the_table()
    {
        var expected = HttpFunctions.Select(row => (string)row[0]).Order(StringComparer.Ordinal);
        Assert.Equal(expected, Triggers().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_camera_trigger_is_an_Event_Grid_blob_trigger_on_the_configured_container_with_no_output_bindings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.FunctionsMetadata));
        var function = document.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "ClassifyCameraImage");
        var binding = Assert.Single(function.GetProperty("bindings").EnumerateArray());
        Assert.Equal("blobTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("EventGrid", binding.GetProperty("source").GetString());
        Assert.Equal("CameraStorage", binding.GetProperty("connection").GetString());
        Assert.Equal("%CameraImagesContainer%/{cameraId}/{name}", binding.GetProperty("path").GetString());
    }

    /// <summary>
    /// Anonymous at the host: the health probes, and the Custom Vision routes, whose callers send
    /// <c>Prediction-Key</c> (which the host does not know) and whose worker checks that key before
    /// anything else (CustomVisionFunctionsTests: 401 without it).
    /// </summary>
    [Fact]
    public void The_training_trigger_reads_the_configured_queue_on_the_ModelStorage_connection_with_no_output_bindings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.FunctionsMetadata));
        var function = document.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "RunTrainingJob");
        var binding = Assert.Single(function.GetProperty("bindings").EnumerateArray());
        Assert.Equal("queueTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("ModelStorage", binding.GetProperty("connection").GetString());
        Assert.Equal("%TrainingJobsQueue%", binding.GetProperty("queueName").GetString());
    }

    [Fact]
    public void The_reclassify_trigger_reads_the_configured_queue_on_the_ModelStorage_connection_with_no_output_bindings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.FunctionsMetadata));
        var function = document.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "RunReclassification");
        var binding = Assert.Single(function.GetProperty("bindings").EnumerateArray());
        Assert.Equal("queueTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("ModelStorage", binding.GetProperty("connection").GetString());
        Assert.Equal("%ReclassifyQueue%", binding.GetProperty("queueName").GetString());
    }

    [Fact]
    public void Health_endpoints_the_worker_keyed_Custom_Vision_routes_and_the_dashboards_static_files_are_anonymous_and_nothing_else_is()
    {
        var anonymous = Triggers().Where(t => t.Value.GetProperty("authLevel").GetString() == "Anonymous").Select(t => t.Value.GetProperty("route").GetString()!);
        Assert.All(anonymous, route => Assert.Matches("((^|/)(health/(live|ready)|ready)$)|(^customvision/v3\\.0/Prediction/)|(^dashboard/\\{\\*path\\}$)", route));
    }
}
