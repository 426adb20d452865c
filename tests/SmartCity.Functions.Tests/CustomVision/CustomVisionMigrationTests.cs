using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SkiaSharp;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Http.CustomVision;
using SmartCity.Functions.Tests.Models;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests.CustomVision;

/// <summary>
/// The README's "Migrating from Azure AI Custom Vision", done as written: the two manifests it shows
/// are published, byte for byte, with the Custom Vision export fixtures (the ONNX files with the
/// exports' input and output names, types, shapes and metadata) through the repository API on
/// Azurite; its <c>CustomVision__Projects</c> value maps them; the Custom Vision routes answer with them.
/// </summary>
[Collection(AzuriteDefinition.Name)]
public sealed partial class CustomVisionMigrationTests(AzuriteFixture azurite)
{
    private const string Key = "the-parking-app-key";

    private static string Guide()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var start = readme.IndexOf("\n### Migrating from Azure AI Custom Vision\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no '### Migrating from Azure AI Custom Vision'.");
        var end = readme.IndexOf("\n### ", start + 10, StringComparison.Ordinal);
        return readme[start..end];
    }

    private static byte[] DocumentedManifest(string guide, string task)
    {
        var match = Regex.Match(guide, $@"<!-- migration-manifest: {Regex.Escape(task)} -->\n```json\n(?<json>.*?)\n```", RegexOptions.Singleline);
        Assert.True(match.Success, $"The guide has no {task} manifest.");
        return Encoding.UTF8.GetBytes(match.Groups["json"].Value);
    }

    private static byte[] Fixture(string model, string file) => File.ReadAllBytes(Path.Combine(TestPaths.FixtureModels, model, "1", file));

    [SkippableFact]
    public async Task The_documented_manifests_publish_with_the_export_fixtures_and_answer_the_Custom_Vision_routes_under_the_documented_mapping()
    {
        Skip.IfNot(azurite.Available, AzuriteFixture.SkipMessage);
        await using var account = new ModelStorageAccount(azurite.ConnectionString!);
        await account.CreateAsync();
        await using var app = new AppInstance(account);
        var guide = Guide();
        var mapping = ProjectsSetting().Match(guide);
        Assert.True(mapping.Success, "The guide sets no CustomVision__Projects.");
        var options = new CustomVisionOptions
        {
            Projects = mapping.Groups["value"].Value,
            PredictionKeySha256 = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Key))).ToLowerInvariant(),
        };
        Assert.True(new CustomVisionOptionsValidator().Validate(null, options).Succeeded, "The documented CustomVision__Projects does not pass the start-up check.");
        var projects = options.ProjectList;
        Assert.Equal(2, projects.Count);
        var (classifier, detector) = (projects[0], projects[1]);

        var packages = new[]
        {
            (classifier.Model, new Dictionary<string, byte[]>(StringComparer.Ordinal)
            {
                ["model.json"] = DocumentedManifest(guide, "classification"),
                ["model.onnx"] = Fixture("custom-vision-classifier", "model.onnx"),
            }),
            (detector.Model, new Dictionary<string, byte[]>(StringComparer.Ordinal)
            {
                ["model.json"] = DocumentedManifest(guide, "object-detection"),
                ["model.onnx"] = Fixture("custom-vision-detector", "model.onnx"),
                ["labels.txt"] = Fixture("custom-vision-detector", "labels.txt"),
            }),
        };
        foreach (var (model, files) in packages)
        {
            var (body, contentType) = await TestPackages.Multipart(files, promote: true, reason: "moved from Custom Vision");
            var context = Request("POST", $"/api/models/{model}/versions", body, contentType);
            var published = await InvokeAsync(context, () => app.Versions.PublishModelVersion(context.Request, model));
            Assert.True(published.Status == 201, $"{model}: {published.Status} {published.Body}");
            Assert.Equal("READY", published.Json.GetProperty("state").GetString());
            Assert.Equal(detector.Version ?? "1", published.Json.GetProperty("version").GetString());
        }

        var functions = new CustomVisionFunctions(new CustomVisionHandler(
            app.Engine,
            TestSupport.HttpOptions(),
            Options.Create(options),
            new ImageUrlFetcher(new NoHttpClients(), Options.Create(options)),
            TimeProvider.System));

        var classify = Request("POST", $"/api/customvision/v3.0/Prediction/{classifier.ProjectId}/classify/iterations/{classifier.PublishedName}/image", TestSupport.Solid(SKColors.Red, size: 8), "application/octet-stream");
        classify.Request.Headers[CustomVisionHandler.KeyHeader] = Key;
        var classified = await InvokeAsync(classify, () => functions.CustomVisionClassifyImage(classify.Request, classifier.ProjectId.ToString(), classifier.PublishedName));
        Assert.True(classified.Status == 200, classified.Body);
        CustomVisionSpec.AssertImagePrediction(classified.Json, detection: false);
        Assert.Equal("red", classified.Json.GetProperty("predictions")[0].GetProperty("tagName").GetString());

        var detect = Request("POST", $"/api/customvision/v3.0/Prediction/{detector.ProjectId}/detect/iterations/{detector.PublishedName}/image", TestSupport.Solid(SKColors.White, size: 8), "application/octet-stream");
        detect.Request.Headers[CustomVisionHandler.KeyHeader] = Key;
        var detected = await InvokeAsync(detect, () => functions.CustomVisionDetectImage(detect.Request, detector.ProjectId.ToString(), detector.PublishedName));
        Assert.True(detected.Status == 200, detected.Body);
        CustomVisionSpec.AssertImagePrediction(detected.Json, detection: true);
        Assert.Equal(["car", "bus"], detected.Json.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("tagName").GetString()));
    }

    [SkippableFact]
    public async Task The_documented_sha256sum_line_gives_the_hash_the_start_up_check_and_the_key_check_accept()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "needs bash and sha256sum");
        var line = Guide().Split('\n').Single(l => l.Contains("| sha256sum", StringComparison.Ordinal)).Trim();
        var bash = new System.Diagnostics.ProcessStartInfo("bash", ["-c", line]) { RedirectStandardOutput = true };
        bash.Environment["KEY"] = Key;
        using var process = System.Diagnostics.Process.Start(bash)!;
        var hash = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Key))), hash, ignoreCase: true);
        // Upper-case hex, as PowerShell's Get-FileHash prints it, is accepted at start too.
        foreach (var configured in new[] { hash, hash.ToUpperInvariant() })
        {
            Assert.True(new CustomVisionOptionsValidator().Validate(null, new CustomVisionOptions { PredictionKeySha256 = configured }).Succeeded);
        }
    }

    [GeneratedRegex("CustomVision__Projects=\"(?<value>[^\"]+)\"")]
    private static partial Regex ProjectsSetting();

}
