using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SkiaSharp;
using SmartCity.Functions.Http.CustomVision;
using SmartCity.Inference.Runtime;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests.CustomVision;

/// <summary>
/// The <c>/url</c> routes against a real HTTP server on loopback (<see cref="ImageServer"/>), with
/// bodies as the Python SDK sends them (<c>{"url": "..."}</c>, <c>application/json; charset=utf-8</c>):
/// the allow-list, the address guard, redirects, the size and time limits, and the same
/// predictions as the <c>/image</c> routes for the same bytes. The fetcher comes from the app's own
/// registration (<see cref="CustomVisionImageUrlExtensions.AddCustomVisionImageUrls"/>).
/// </summary>
public sealed class CustomVisionUrlTests : IAsyncLifetime
{
    private const string Project = "64b822c5-8082-4b36-a426-27225f4aa18c";
    private const string Key = "a-prediction-key-of-the-parking-team";
    private static readonly byte[] Red = TestSupport.Solid(SKColors.Red, size: 8);
    private static readonly byte[] White = TestSupport.Solid(SKColors.White, size: 8);
    private readonly List<ServiceProvider> _providers = [];
    private InferenceEngine _engine = null!;
    private ImageServer _server = null!;

    public async Task InitializeAsync()
    {
        _engine = TestSupport.FixtureEngine();
        _server = await ImageServer.StartAsync(Red, White);
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _server.DisposeAsync();
        await _engine.DisposeAsync();
    }

    private CustomVisionFunctions Functions(string allowedHosts = "127.0.0.1", int timeoutSeconds = 10, long maxBodyBytes = 10 * 1024 * 1024, HostResolver? resolver = null)
    {
        var options = Options.Create(new CustomVisionOptions
        {
            Projects = $"{Project}/Trees=custom-vision-classifier;{Project}/Cars=custom-vision-detector",
            PredictionKeySha256 = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Key))),
            UrlAllowedHosts = allowedHosts,
            UrlTimeoutSeconds = timeoutSeconds,
        });
        var services = new ServiceCollection();
        services.AddSingleton(options);
        if (resolver is not null)
        {
            services.AddSingleton(resolver);
        }

        services.AddCustomVisionImageUrls();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return new(new CustomVisionHandler(_engine, TestSupport.HttpOptions(maxBodyBytes), options, provider.GetRequiredService<ImageUrlFetcher>(), TimeProvider.System));
    }

    /// <summary>The body the Python SDK sends (msrest serialises <c>ImageUrl.url</c> under the key <c>url</c>, as the spec's <c>ImageUrl</c> names it).</summary>
    private static string SdkBody(string url) => JsonSerializer.Serialize(new Dictionary<string, string> { ["url"] = url });

    private static Microsoft.AspNetCore.Http.HttpContext Call(string route, string body, string contentType = "application/json; charset=utf-8", string? key = Key)
    {
        var context = Request("POST", $"/api/customvision/v3.0/Prediction/{Project}/{route}", Encoding.UTF8.GetBytes(body), contentType);
        if (key is not null)
        {
            context.Request.Headers[CustomVisionHandler.KeyHeader] = key;
        }

        return context;
    }

    private static Task<Response> ClassifyUrlAsync(CustomVisionFunctions functions, string body, string contentType = "application/json; charset=utf-8", string? key = Key)
    {
        var context = Call("classify/iterations/Trees/url", body, contentType, key);
        return InvokeAsync(context, () => functions.CustomVisionClassifyImageUrl(context.Request, Project, "Trees"));
    }

    /// <summary>The predictions without the per-request id and time.</summary>
    private static string Predictions(Response response) => response.Json.GetProperty("predictions").GetRawText();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClassifyImageUrl_answers_the_predictions_ClassifyImage_answers_for_the_same_bytes(bool noStore)
    {
        var functions = Functions();
        var image = Request("POST", $"/api/customvision/v3.0/Prediction/{Project}/classify/iterations/Trees/image", Red, "application/octet-stream");
        image.Request.Headers[CustomVisionHandler.KeyHeader] = Key;
        var direct = await InvokeAsync(image, () => functions.CustomVisionClassifyImage(image.Request, Project, "Trees"));
        var context = Call(noStore ? "classify/iterations/Trees/url/nostore" : "classify/iterations/Trees/url", SdkBody(_server.Url("red.png")));
        var fetched = await InvokeAsync(context, () => noStore ? functions.CustomVisionClassifyImageUrlNoStore(context.Request, Project, "Trees") : functions.CustomVisionClassifyImageUrl(context.Request, Project, "Trees"));

        Assert.Equal(200, fetched.Status);
        CustomVisionSpec.AssertImagePrediction(fetched.Json, detection: false);
        Assert.Equal("red", fetched.Json.GetProperty("predictions")[0].GetProperty("tagName").GetString());
        Assert.Equal(Predictions(direct), Predictions(fetched));
        Assert.Equal(direct.Json.GetProperty("iteration").GetString(), fetched.Json.GetProperty("iteration").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DetectImageUrl_answers_the_boxes_DetectImage_answers_for_the_same_bytes(bool noStore)
    {
        var functions = Functions();
        var image = Request("POST", $"/api/customvision/v3.0/Prediction/{Project}/detect/iterations/Cars/image", White, "application/octet-stream");
        image.Request.Headers[CustomVisionHandler.KeyHeader] = Key;
        var direct = await InvokeAsync(image, () => functions.CustomVisionDetectImage(image.Request, Project, "Cars"));
        var context = Call(noStore ? "detect/iterations/Cars/url/nostore" : "detect/iterations/Cars/url", SdkBody(_server.Url("white.png")));
        var fetched = await InvokeAsync(context, () => noStore ? functions.CustomVisionDetectImageUrlNoStore(context.Request, Project, "Cars") : functions.CustomVisionDetectImageUrl(context.Request, Project, "Cars"));

        Assert.Equal(200, fetched.Status);
        CustomVisionSpec.AssertImagePrediction(fetched.Json, detection: true);
        Assert.Equal(["car", "bus"], fetched.Json.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("tagName").GetString()));
        Assert.Equal(Predictions(direct), Predictions(fetched));
    }

    [Theory]
    [InlineData("{{\"Url\": \"{0}\"}}", "application/json")]
    [InlineData("{{\"URL\": \"{0}\"}}", "application/json")]
    [InlineData("url={0}", "application/x-www-form-urlencoded")]
    public async Task The_url_is_read_case_insensitively_from_JSON_and_from_a_form(string template, string contentType)
    {
        var url = _server.Url("red.png");
        var body = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, contentType.Contains("form", StringComparison.Ordinal) ? Uri.EscapeDataString(url) : url);
        var response = await ClassifyUrlAsync(Functions(), body, contentType);

        Assert.Equal(200, response.Status);
        Assert.Equal("red", response.Json.GetProperty("predictions")[0].GetProperty("tagName").GetString());
    }

    [Fact]
    public async Task With_no_host_allowed_every_url_call_answers_403_and_nothing_is_fetched()
    {
        var response = await ClassifyUrlAsync(Functions(allowedHosts: ""), SdkBody(_server.Url("red.png")));

        Assert.Equal(403, response.Status);
        CustomVisionSpec.AssertError(response.Json, "Forbidden");
        Assert.Contains("CustomVision:UrlAllowedHosts", response.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _server.Requests);
    }

    [Theory]
    [InlineData("localhost")]          // the same server, under a name that is not listed
    [InlineData("images.example.test")]
    public async Task A_host_not_on_the_allow_list_answers_403_and_nothing_is_fetched(string listed)
    {
        var response = await ClassifyUrlAsync(Functions(allowedHosts: listed), SdkBody(_server.Url("red.png")));

        Assert.Equal(403, response.Status);
        CustomVisionSpec.AssertError(response.Json, "Forbidden");
        Assert.Contains("'127.0.0.1' is not in CustomVision:UrlAllowedHosts", response.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _server.Requests);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.10")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:10.0.0.1")]
    public async Task A_listed_host_that_resolves_to_a_private_address_answers_403(string address)
    {
        // The resolver answers at the connection, so what is checked is what is connected to (no DNS rebinding).
        var resolved = new List<string>();
        HostResolver resolver = (host, _) =>
        {
            resolved.Add(host);
            return Task.FromResult(new[] { IPAddress.Parse(address) });
        };
        var response = await ClassifyUrlAsync(Functions(allowedHosts: "*.example.test", resolver: resolver), SdkBody("https://images.example.test/red.png"));

        Assert.Equal(403, response.Status);
        CustomVisionSpec.AssertError(response.Json, "Forbidden");
        Assert.Contains("public addresses", response.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["images.example.test"], resolved);
    }

    [Theory]
    [InlineData("169.254.169.254", "https://169.254.169.254/metadata/instance")]
    [InlineData("10.0.0.1", "https://10.0.0.1/red.png")]
    [InlineData("fd00::1", "https://[fd00::1]/red.png")]
    public async Task A_listed_private_address_is_still_refused(string listed, string url)
    {
        var response = await ClassifyUrlAsync(Functions(allowedHosts: listed), SdkBody(url));

        Assert.Equal(403, response.Status);
        CustomVisionSpec.AssertError(response.Json, "Forbidden");
    }

    [Fact]
    public async Task Http_is_refused_for_a_host_that_is_not_a_loopback_entry()
    {
        HostResolver resolver = (_, _) => throw new InvalidOperationException("nothing is resolved for a refused scheme");
        var response = await ClassifyUrlAsync(Functions(allowedHosts: "images.example.test", resolver: resolver), SdkBody("http://images.example.test/red.png"));

        Assert.Equal(403, response.Status);
        CustomVisionSpec.AssertError(response.Json, "Forbidden");
        Assert.Contains("https only", response.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_to_an_unlisted_host_is_not_followed()
    {
        var response = await ClassifyUrlAsync(Functions(), SdkBody(_server.Url("redirect-unlisted")));

        Assert.Equal(403, response.Status);
        CustomVisionSpec.AssertError(response.Json, "Forbidden");
        Assert.Contains("'localhost' is not in CustomVision:UrlAllowedHosts", response.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, _server.Requests); // the redirect, not its target
    }

    [Fact]
    public async Task A_redirect_to_a_listed_host_is_followed()
    {
        var response = await ClassifyUrlAsync(Functions(), SdkBody(_server.Url("redirect-listed")));

        Assert.Equal(200, response.Status);
        Assert.Equal("red", response.Json.GetProperty("predictions")[0].GetProperty("tagName").GetString());
        Assert.Equal(2, _server.Requests);
    }

    [Fact]
    public async Task Endless_redirects_answer_400_BadRequestImageUrl()
    {
        var response = await ClassifyUrlAsync(Functions(), SdkBody(_server.Url("redirect-loop")));

        Assert.Equal(400, response.Status);
        CustomVisionSpec.AssertError(response.Json, "BadRequestImageUrl");
        Assert.Equal(ImageUrlFetcher.MaxRedirects + 1, _server.Requests);
    }

    [Theory]
    [InlineData("big.bin")]       // Content-Length over the limit
    [InlineData("big-chunked")]   // no Content-Length: stopped while reading
    public async Task An_image_over_Http_MaxBodyBytes_answers_400_BadRequestImageSizeBytes(string path)
    {
        var response = await ClassifyUrlAsync(Functions(maxBodyBytes: 8 * 1024), SdkBody(_server.Url(path)));

        Assert.Equal(400, response.Status);
        CustomVisionSpec.AssertError(response.Json, "BadRequestImageSizeBytes");
        Assert.Contains("Http:MaxBodyBytes", response.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_that_does_not_come_within_the_time_limit_answers_400_BadRequestImageUrl()
    {
        var response = await ClassifyUrlAsync(Functions(timeoutSeconds: 1), SdkBody(_server.Url("slow")));

        Assert.Equal(400, response.Status);
        CustomVisionSpec.AssertError(response.Json, "BadRequestImageUrl");
        Assert.Contains("CustomVision:UrlTimeoutSeconds", response.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_url_and_an_error_status_answer_400_BadRequestImageUrl()
    {
        int closedPort;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        foreach (var url in new[] { $"http://127.0.0.1:{closedPort}/red.png", _server.Url("missing") })
        {
            var response = await ClassifyUrlAsync(Functions(), SdkBody(url));
            Assert.True(response.Status == 400, $"{url}: {response.Status} {response.Body}");
            CustomVisionSpec.AssertError(response.Json, "BadRequestImageUrl");
        }
    }

    [Theory]
    [InlineData("{}", "application/json", 400, "BadRequestImageUrl")]
    [InlineData("{\"url\": \"\"}", "application/json", 400, "BadRequestImageUrl")]
    [InlineData("{\"url\": 42}", "application/json", 400, "BadRequestImageUrl")]
    [InlineData("not json", "application/json", 400, "BadRequestImageUrl")]
    [InlineData("{\"url\": \"/red.png\"}", "application/json", 400, "BadRequestImageUrl")]
    [InlineData("{\"url\": \"ftp://127.0.0.1/red.png\"}", "application/json", 400, "BadRequestImageUrl")]
    [InlineData("<ImageUrl><Url>http://127.0.0.1/</Url></ImageUrl>", "text/xml", 415, "UnsupportedMediaType")]
    public async Task Bodies_without_a_usable_url_answer_the_spec_error_never_a_500(string body, string contentType, int status, string code)
    {
        var response = await ClassifyUrlAsync(Functions(), body, contentType);

        Assert.True(status == response.Status, $"{body}: {response.Status} {response.Body}");
        CustomVisionSpec.AssertError(response.Json, code);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task Without_a_valid_Prediction_Key_nothing_is_fetched()
    {
        var response = await ClassifyUrlAsync(Functions(), SdkBody(_server.Url("red.png")), key: "wrong");

        Assert.Equal(401, response.Status);
        CustomVisionSpec.AssertError(response.Json, "Unauthorized");
        Assert.Equal(0, _server.Requests);
    }

    [Theory]
    [InlineData("images.city.example", 10, true)]
    [InlineData("*.blob.core.windows.net; images.city.example ;localhost;127.0.0.1;::1;[::1]", 10, true)]
    [InlineData("", 1, true)]
    [InlineData("https://images.city.example", 10, false)]
    [InlineData("images.city.example:443", 10, false)]
    [InlineData("images.city.example/path", 10, false)]
    [InlineData("*", 10, false)]
    [InlineData("", 0, false)]
    [InlineData("", 61, false)]
    public void Url_settings_are_validated_at_start_naming_the_key(string hosts, int timeoutSeconds, bool valid)
    {
        var result = new CustomVisionOptionsValidator().Validate(null, new CustomVisionOptions { UrlAllowedHosts = hosts, UrlTimeoutSeconds = timeoutSeconds });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains(timeoutSeconds is < 1 or > 60 ? "CustomVision:UrlTimeoutSeconds" : "CustomVision:UrlAllowedHosts", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("20.60.1.1", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("127.0.0.2", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::", false)]
    [InlineData("::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("fe80::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("2002:a00:1::1", false)]
    public void Only_globally_routable_addresses_are_public(string address, bool expected) =>
        Assert.Equal(expected, ImageUrlPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("images.city.example", "images.city.example", true)]
    [InlineData("IMAGES.city.example", "images.city.example", true)]
    [InlineData("evil-images.city.example", "images.city.example", false)]
    [InlineData("images.city.example.evil.test", "images.city.example", false)]
    [InlineData("acct.blob.core.windows.net", "*.blob.core.windows.net", true)]
    [InlineData("blob.core.windows.net", "*.blob.core.windows.net", false)]
    [InlineData("acct.blob.core.windows.net.evil.test", "*.blob.core.windows.net", false)]
    [InlineData("evilblob.core.windows.net", "*.blob.core.windows.net", false)]
    public void A_host_is_listed_only_by_its_own_name_or_under_a_wildcard_domain(string host, string entry, bool expected) =>
        Assert.Equal(expected, ImageUrlPolicy.IsListed(host, [entry]));

    [Fact]
    public void Every_code_the_Custom_Vision_routes_answer_is_one_of_the_spec()
    {
        var answered = Http.ProblemMapping.CustomVisionCodes.Values.Select(v => v.Code).Append("BadRequest").Append("ErrorUnknown").Distinct(StringComparer.Ordinal);
        Assert.All(answered, code => Assert.Contains(code, CustomVisionSpec.ErrorCodes));
        Assert.Equal((403, "Forbidden"), Http.ProblemMapping.CustomVisionCodes[CustomVisionException.UrlForbiddenCode]);
        Assert.Equal((400, "BadRequestImageUrl"), Http.ProblemMapping.CustomVisionCodes[CustomVisionException.UrlInvalidCode]);
    }
}
