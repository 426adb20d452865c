using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SmartCity.Cameras.Storage;

namespace SmartCity.Cameras.Tests;

public class CameraPipelineRegistrationTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Inference:ModelsPath"] = TestPaths.Models,
            ["CameraImagesContainer"] = "camera-images",
        }.Concat(settings).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value));
        builder.Services.AddCameraPipeline();
        return builder.Build();
    }

    [Fact]
    public void The_sample_settings_with_Azurite_resolve_the_classifier_and_the_query()
    {
        using var host = Build(new() { ["CameraStorage"] = "UseDevelopmentStorage=true" });

        var options = host.Services.GetRequiredService<IOptions<CameraPipelineOptions>>().Value;
        Assert.Equal("camera-images", options.ImagesContainer);
        Assert.Equal(["vehicle-type"], options.ModelNames);
        Assert.NotNull(host.Services.GetRequiredService<CameraImageClassifier>());
        Assert.NotNull(host.Services.GetRequiredService<CameraResultsQuery>());
    }

    [Fact]
    public void Identity_based_settings_build_clients_on_the_service_URIs()
    {
        using var host = Build(new()
        {
            ["CameraStorage:blobServiceUri"] = "https://stexample.blob.core.windows.net",
            ["CameraStorage:tableServiceUri"] = "https://stexample.table.core.windows.net",
            ["CameraStorage:credential"] = "managedidentity",
            ["CameraStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        });

        _ = host.Services.GetRequiredService<IOptions<CameraPipelineOptions>>().Value;
        var clients = host.Services.GetRequiredService<CameraStorageClients>();
        Assert.Equal("stexample", clients.Blobs.AccountName);
        Assert.Equal("stexample", clients.Tables.AccountName);
    }

    [Theory]
    [InlineData("CameraImagesContainer", "", "CameraImagesContainer")]
    [InlineData("Camera:ResultsContainer", "Bad_Name", "Camera:ResultsContainer")]
    [InlineData("Camera:TableName", "1x", "Camera:TableName")]
    [InlineData("Camera:Models", "no-such-model", "Camera:Models")]
    [InlineData("CameraStorage", "", "CameraStorage__blobServiceUri")]
    [InlineData("Camera:ModelRoutes", "frames-=no-such-model", "Camera:ModelRoutes")]
    [InlineData("Camera:ModelRoutes", "frames-", "Camera:ModelRoutes")]
    [InlineData("Camera:TopLabels", "0", "Camera:TopLabels")]
    public async Task A_misconfiguration_fails_at_start_naming_the_key(string key, string value, string named)
    {
        using var host = Build(new() { ["CameraStorage"] = "UseDevelopmentStorage=true", [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
