using System.Reflection;
using SmartCity.Cameras.Storage;
using SmartCity.Functions.Http;
using SmartCity.Inference;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests;

/// <summary>Every failure code answers its one status and type, however the exception reaches the middleware.</summary>
public class ProblemMappingTests
{
    public static TheoryData<Exception, int, string, string?> Failures() => new()
    {
        { new ModelNotFoundException("m", null), 404, "model-not-found", null },
        { new ModelManifestException("m", "model.json", "task", "is required."), 503, "invalid-manifest", "30" },
        { new ModelLoadException("m", "model.onnx", "broken"), 503, "model-load-failed", "30" },
        { new InferenceQueueFullException("m/1", TimeSpan.FromSeconds(3)), 503, "queue-full", "3" },
        { new InvalidTensorException("bad shape"), 400, "invalid-tensor", null },
        { new NonFiniteOutputException("m/1"), 422, "non-finite-output", null },
        { new EmptyImageException(), 400, "empty-image", null },
        { new UnsupportedImageFormatException(), 400, "unsupported-format", null },
        { new CorruptImageException("truncated"), 400, "corrupt-image", null },
        { new ImageTooLargeException(20, 20, 100), 422, "too-many-pixels", null },
        { new ImageInBatchException(3, new ImageTooLargeException(20, 20, 100)), 422, "too-many-pixels", null },
        { new ImagePartException(1, "a.png", new CorruptImageException("truncated")), 400, "corrupt-image", null },
        { new CameraQueryException("top", "top must be between 1 and 1000; got 0."), 400, "invalid-query", null },
        { HttpApiException.InvalidQuery("top", "must be a whole number."), 400, "invalid-query", null },
        { HttpApiException.BadRequest("malformed-json", "The JSON body is malformed."), 400, "malformed-json", null },
        { HttpApiException.PayloadTooLarge(1024), 413, "payload-too-large", null },
        { HttpApiException.UnsupportedMediaType("text/plain", "image/png"), 415, "unsupported-media-type", null },
        { HttpApiException.NotReady("Loading model 'm'.", TimeSpan.FromSeconds(5)), 503, "not-ready", "5" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failure_answers_its_status_type_and_Retry_After(Exception failure, int status, string code, string? retryAfter)
    {
        var context = Request("POST", "/api/models/m/predict");
        var response = await InvokeAsync(context, () => Task.FromException<Microsoft.AspNetCore.Mvc.IActionResult>(failure));

        Assert.Equal(status, response.Status);
        Assert.Equal(ProblemMapping.TypePrefix + code, response.Json.GetProperty("type").GetString());
        Assert.Equal(((InferenceException)failure).PublicMessage, response.Json.GetProperty("detail").GetString());
        Assert.Equal(retryAfter ?? string.Empty, response.Headers.RetryAfter.ToString());
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failure_on_an_Open_Inference_route_answers_the_same_status_with_an_error_object(Exception failure, int status, string code, string? retryAfter)
    {
        _ = code;
        _ = retryAfter;
        var context = Request("POST", "/api/v2/models/m/infer");
        var response = await InvokeAsync(context, () => Task.FromException<Microsoft.AspNetCore.Mvc.IActionResult>(failure));

        Assert.Equal(status, response.Status);
        Assert.Equal(((InferenceException)failure).PublicMessage, response.Json.GetProperty("error").GetString());
    }

    public static TheoryData<Exception> Wrapped()
    {
        var failure = new ModelNotFoundException("nope", null);
        return new()
        {
            new AggregateException(failure),
            new TargetInvocationException(failure),
            new InvalidOperationException("The invocation failed.", new AggregateException(failure)),
        };
    }

    [Theory]
    [MemberData(nameof(Wrapped))]
    public async Task A_failure_wrapped_on_its_way_to_the_middleware_keeps_its_status_and_type(Exception wrapped)
    {
        var context = Request("GET", "/api/models/nope");
        var response = await InvokeAsync(context, () => Task.FromException<Microsoft.AspNetCore.Mvc.IActionResult>(wrapped));

        Assert.Equal(404, response.Status);
        Assert.Equal("urn:smartcity:problem:model-not-found", response.Json.GetProperty("type").GetString());
        Assert.Equal("Model 'nope' does not exist.", response.Json.GetProperty("detail").GetString());
    }

    public static TheoryData<Exception, string> ServerSideFailures() => new()
    {
        { new ModelLoadException("m/1", "/home/site/wwwroot/models/m/1/model.onnx", "[ONNXRuntimeError] : 7 : INVALID_PROTOBUF : Load model failed"), "Model 'm/1' failed to load." },
        { new ModelManifestException("m", "/home/site/wwwroot/models/m/1/model.json", "input", "declares shape [1,3,4,4] but '/x/model.onnx' takes [1,3,8,8]."), "Model 'm' has an invalid manifest." },
    };

    [Theory]
    [MemberData(nameof(ServerSideFailures))]
    public async Task A_server_side_failure_says_what_failed_in_general_and_logs_the_details(Exception failure, string detail)
    {
        foreach (var path in new[] { "/api/models/m/predict", "/api/v2/models/m/ready" })
        {
            var context = Request("GET", path);
            var log = new RecordingLogger<ProblemDetailsMiddleware>();
            var result = ProblemDetailsMiddleware.Map(failure, context.Request, log);
            await result.ExecuteResultAsync(new Microsoft.AspNetCore.Mvc.ActionContext(context, new Microsoft.AspNetCore.Routing.RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
            context.Response.Body.Position = 0;
            var body = await new StreamReader(context.Response.Body).ReadToEndAsync();

            Assert.Equal(503, context.Response.StatusCode);
            var json = System.Text.Json.JsonDocument.Parse(body).RootElement;
            Assert.Equal(detail, (json.TryGetProperty("detail", out var problem) ? problem : json.GetProperty("error")).GetString());
            Assert.DoesNotContain("/home/site", body, StringComparison.Ordinal);
            Assert.DoesNotContain("ONNXRuntimeError", body, StringComparison.Ordinal);
            Assert.Contains(log.Entries, e => e.Contains("/home/site/wwwroot/models/m/1/", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_exception_without_a_failure_code_is_a_500_that_reveals_nothing()
    {
        var context = Request("GET", "/api/models");
        var response = await InvokeAsync(context, () => Task.FromException<Microsoft.AspNetCore.Mvc.IActionResult>(
            new AggregateException(new InvalidOperationException("secret connection string"))));

        Assert.Equal(500, response.Status);
        Assert.Equal("urn:smartcity:problem:internal-error", response.Json.GetProperty("type").GetString());
        Assert.DoesNotContain("secret", response.Body, StringComparison.Ordinal);
    }
}
