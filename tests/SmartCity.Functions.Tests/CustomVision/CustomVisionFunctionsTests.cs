using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SkiaSharp;
using SmartCity.Functions.Http.CustomVision;
using SmartCity.Inference.Runtime;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests.CustomVision;

/// <summary>
/// The Custom Vision Prediction API routes with requests shaped as its SDKs send them (the image as
/// <c>application/octet-stream</c>, or a multipart form with an <c>imageData</c> part, and the
/// <c>Prediction-Key</c> header), answers checked against the spec's schemas (<see cref="CustomVisionSpec"/>).
/// The fixtures <c>custom-vision-classifier</c> and <c>custom-vision-detector</c> answer them.
/// </summary>
public sealed class CustomVisionFunctionsTests : IAsyncLifetime
{
    private const string Project = "64b822c5-8082-4b36-a426-27225f4aa18c";
    private const string Key = "a-prediction-key-of-the-parking-team";
    private InferenceEngine _engine = null!;

    public Task InitializeAsync()
    {
        _engine = TestSupport.FixtureEngine();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private CustomVisionFunctions Functions(string? keyHashes = null, long maxBodyBytes = 10 * 1024 * 1024)
    {
        var options = Options.Create(new CustomVisionOptions
        {
            Projects = $"{Project}/Trees=custom-vision-classifier; {Project}/Cars=custom-vision-detector@1",
            PredictionKeySha256 = keyHashes ?? $"{Sha256("another-client")};{Sha256(Key)}",
        });
        // No /url call here (CustomVisionUrlTests): a fetcher that refuses everything.
        var urls = new ImageUrlFetcher(new NoHttpClients(), options);
        return new(new CustomVisionHandler(_engine, TestSupport.HttpOptions(maxBodyBytes), options, urls, TimeProvider.System));
    }


    private static string Sha256(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static Microsoft.AspNetCore.Http.HttpContext Call(string route, byte[] body, string contentType = "application/octet-stream", string? key = Key)
    {
        var context = Request("POST", $"/api/customvision/v3.0/Prediction/{Project}/{route}", body, contentType);
        if (key is not null)
        {
            context.Request.Headers[CustomVisionHandler.KeyHeader] = key;
        }

        return context;
    }

    [Fact]
    public async Task ClassifyImage_answers_every_tag_most_probable_first_as_the_spec_says()
    {
        var context = Call("classify/iterations/Trees/image", TestSupport.Solid(SKColors.Red, size: 8));
        var response = await InvokeAsync(context, () => Functions().CustomVisionClassifyImage(context.Request, Project, "Trees"));

        Assert.Equal(200, response.Status);
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        CustomVisionSpec.AssertImagePrediction(response.Json, detection: false);
        Assert.Equal(Project, response.Json.GetProperty("project").GetString());
        var predictions = response.Json.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(["red", "blue", "green"], predictions.Take(1).Select(p => p.GetProperty("tagName").GetString()).Concat(predictions.Skip(1).Select(p => p.GetProperty("tagName").GetString()).Order(StringComparer.Ordinal)));
        var expected = new[] { 0f, 0f, 1f };
        Postprocessing.Softmax(expected);
        Assert.Equal(expected[2], predictions[0].GetProperty("probability").GetSingle(), 5);
    }

    [Fact]
    public async Task Ids_stay_the_same_for_a_tag_and_an_iteration_and_each_prediction_has_its_own()
    {
        var functions = Functions();
        var first = Call("classify/iterations/Trees/image/nostore", TestSupport.Solid(SKColors.Red, size: 8));
        var a = await InvokeAsync(first, () => functions.CustomVisionClassifyImageNoStore(first.Request, Project, "Trees"));
        var second = Call("classify/iterations/Trees/image/nostore", TestSupport.Solid(SKColors.Red, size: 8));
        var b = await InvokeAsync(second, () => functions.CustomVisionClassifyImageNoStore(second.Request, Project, "Trees"));

        Assert.Equal(200, a.Status);
        Assert.NotEqual(a.Json.GetProperty("id").GetString(), b.Json.GetProperty("id").GetString());
        Assert.Equal(a.Json.GetProperty("iteration").GetString(), b.Json.GetProperty("iteration").GetString());
        Assert.Equal(a.Json.GetProperty("predictions")[0].GetProperty("tagId").GetString(), b.Json.GetProperty("predictions")[0].GetProperty("tagId").GetString());
    }

    [Theory]
    [InlineData("imageData")]
    [InlineData(null)]
    public async Task A_multipart_form_with_the_imageData_part_is_read(string? fileName)
    {
        using var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(TestSupport.Solid(SKColors.Red, size: 8));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (fileName is null)
        {
            content.Add(part, "imageData");
        }
        else
        {
            content.Add(part, "imageData", fileName);
        }

        var body = await content.ReadAsByteArrayAsync();
        var context = Call("classify/iterations/Trees/image", body, content.Headers.ContentType!.ToString());
        var response = await InvokeAsync(context, () => Functions().CustomVisionClassifyImage(context.Request, Project, "Trees"));

        Assert.Equal(200, response.Status);
        Assert.Equal("red", response.Json.GetProperty("predictions")[0].GetProperty("tagName").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DetectImage_answers_each_box_with_its_bounding_box(bool noStore)
    {
        var route = noStore ? "detect/iterations/Cars/image/nostore" : "detect/iterations/Cars/image";
        var context = Call(route, TestSupport.Solid(SKColors.White, size: 8));
        var functions = Functions();
        var response = await InvokeAsync(context, () => noStore ? functions.CustomVisionDetectImageNoStore(context.Request, Project, "Cars") : functions.CustomVisionDetectImage(context.Request, Project, "Cars"));

        Assert.Equal(200, response.Status);
        CustomVisionSpec.AssertImagePrediction(response.Json, detection: true);
        var predictions = response.Json.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(["car", "bus"], predictions.Select(p => p.GetProperty("tagName").GetString()));
        var box = predictions[1].GetProperty("boundingBox");
        Assert.Equal([0.6, 0.5, 0.3, 0.5], new[] { "left", "top", "width", "height" }.Select(n => Math.Round(box.GetProperty(n).GetDouble(), 4)));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("wrong-key", null)]
    [InlineData(Key, "")] // no key configured: nothing is accepted
    public async Task Without_a_valid_Prediction_Key_the_answer_is_401_before_anything_is_read(string? key, string? configured)
    {
        // The project does not exist either: the key is checked first, so nothing leaks about projects.
        var context = Call("classify/iterations/Nope/image", [1, 2, 3], key: key);
        var response = await InvokeAsync(context, () => Functions(configured).CustomVisionClassifyImage(context.Request, "00000000-0000-0000-0000-000000000000", "Nope"));

        Assert.Equal(401, response.Status);
        CustomVisionSpec.AssertError(response.Json, "Unauthorized");
    }

    [Theory]
    [InlineData("11111111-2222-3333-4444-555555555555", "Trees", false, 404, "NotFoundProject")]
    [InlineData("not-a-guid", "Trees", false, 404, "NotFoundProject")]
    [InlineData(Project, "Oaks", false, 404, "NotFoundIteration")]
    [InlineData(Project, "Cars", false, 400, "BadRequestNotSupported")]
    [InlineData(Project, "Trees", true, 400, "BadRequestNotSupported")]
    public async Task Unknown_projects_iterations_and_the_wrong_route_answer_the_spec_error(string project, string publishedName, bool detect, int status, string code)
    {
        var context = Call($"{(detect ? "detect" : "classify")}/iterations/{publishedName}/image", TestSupport.Solid(SKColors.Red, size: 8));
        var functions = Functions();
        var response = await InvokeAsync(context, () => detect ? functions.CustomVisionDetectImage(context.Request, project, publishedName) : functions.CustomVisionClassifyImage(context.Request, project, publishedName));

        Assert.Equal(status, response.Status);
        CustomVisionSpec.AssertError(response.Json, code);
    }

    [Fact]
    public async Task Bad_bodies_answer_the_spec_error_never_a_500()
    {
        var functions = Functions(maxBodyBytes: 2048);
        (byte[] Body, string ContentType, int Status, string Code)[] cases =
        [
            (Encoding.UTF8.GetBytes("hello"), "text/plain", 415, "UnsupportedMediaType"),
            (TestSupport.CorruptPng(), "application/octet-stream", 400, "BadRequestImageFormat"),
            ([], "application/octet-stream", 400, "BadRequestImageFormat"),
            (new byte[4096], "application/octet-stream", 400, "BadRequestImageSizeBytes"),
            (Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nvalue\r\n--x--\r\n"), "multipart/form-data; boundary=x", 400, "BadRequestImageStream"),
        ];
        foreach (var (body, contentType, status, code) in cases)
        {
            var context = Call("classify/iterations/Trees/image", body, contentType);
            var response = await InvokeAsync(context, () => functions.CustomVisionClassifyImage(context.Request, Project, "Trees"));
            Assert.True(status == response.Status, $"{contentType} ({body.Length} bytes): {response.Status} {response.Body}");
            CustomVisionSpec.AssertError(response.Json, code);
        }
    }

    [Theory]
    [InlineData("64b822c5-8082-4b36-a426-27225f4aa18c/Trees=custom-vision-classifier", "", true)]
    [InlineData("64b822c5-8082-4b36-a426-27225f4aa18c/Trees=m@2; 11111111-2222-3333-4444-555555555555/x=y", "", true)]
    [InlineData("not-a-guid/Trees=m", "", false)]
    [InlineData("64b822c5-8082-4b36-a426-27225f4aa18c/Trees", "", false)]
    [InlineData("", "abc", false)]
    [InlineData("", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    public void Settings_are_validated_at_start_naming_the_key(string projects, string hashes, bool valid)
    {
        var result = new CustomVisionOptionsValidator().Validate(null, new CustomVisionOptions { Projects = projects, PredictionKeySha256 = hashes });
        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains(projects.Length > 0 ? "CustomVision:Projects" : "CustomVision:PredictionKeySha256", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Projects_parse_into_their_model_and_version()
    {
        var options = new CustomVisionOptions { Projects = $"{Project}/Trees=custom-vision-classifier ; {Project}/Cars=custom-vision-detector@1" };
        Assert.Equal(
            [new CustomVisionProject(Guid.Parse(Project), "Trees", "custom-vision-classifier", null), new CustomVisionProject(Guid.Parse(Project), "Cars", "custom-vision-detector", "1")],
            options.ProjectList);
    }
}
