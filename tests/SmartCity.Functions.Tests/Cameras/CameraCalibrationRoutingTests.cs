using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Cameras;
using SmartCity.Functions.Tests.Models;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests.Cameras;

/// <summary>
/// Per-camera calibration routed without a redeploy, on Azurite: a city publishes a camera's
/// calibrated model through the model repository API on one instance (as <c>{model}.cam-{cameraId}</c>);
/// another instance, which only shares the storage account and refreshes its repository as the app
/// does, routes that camera's uploads to it and every other camera to the base model. Results stay
/// queryable under the base model's name, and say which model answered. Unloading the camera's model
/// routes the camera back. The calibrated model is a real head over resnet18-embedding with labels
/// <c>left</c>/<c>right</c>, so the labels show which model answered.
/// </summary>
[Collection(AzuriteDefinition.Name)]
public sealed class CameraCalibrationRoutingTests(AzuriteFixture azurite)
{
    private const string CalibratedModel = "vehicle-type.cam-gate-2";
    private static readonly DateTimeOffset T0 = new(2026, 3, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan PatienceLimit = TimeSpan.FromMinutes(2);

    [SkippableFact]
    public async Task A_published_camera_model_answers_for_its_camera_alone_and_results_stay_under_the_base_model()
    {
        Skip.IfNot(azurite.Available, AzuriteFixture.SkipMessage);
        await using var account = new ModelStorageAccount(azurite.ConnectionString!);
        await account.CreateAsync();
        await using var operations = new AppInstance(account);
        await using var cameras = new AppInstance(account, refreshSeconds: 2);
        await cameras.StartRefreshingAsync();
        await using var pipeline = azurite.CreatePipeline(engine: cameras.Engine);
        var function = new ClassifyCameraImage(pipeline.Classifier, Options.Create(pipeline.Options), NullLogger<ClassifyCameraImage>.Instance);
        var car = await File.ReadAllBytesAsync(TestSupport.Sample("vehicles/car106.jpg"));

        async Task ClassifyAsync(string camera, string name, DateTimeOffset at) =>
            await function.RunAsync(await pipeline.UploadAsync(camera, name, car, at), camera, name, CancellationToken.None);

        await ClassifyAsync("gate-2", "before.jpg", T0);

        var (body, contentType) = await TestPackages.Multipart(TestPackages.Head(), promote: true, "calibration of gate-2");
        var publish = Request("POST", $"/api/models/{CalibratedModel}/versions", body, contentType);
        var published = await InvokeAsync(publish, () => operations.Versions.PublishModelVersion(publish.Request, CalibratedModel));
        Assert.True(published.Status == 201, published.Body);
        await Eventually.HoldsAsync(() => cameras.Engine.Repository.Names.Contains(CalibratedModel), PatienceLimit, "the camera instance serves the calibrated model");

        await ClassifyAsync("gate-2", "after.jpg", T0.AddMinutes(1));
        await ClassifyAsync("gate-1", "after.jpg", T0.AddMinutes(1));

        // Queried as the base model, calibrated or not.
        var gate2 = (await pipeline.Query.ListAsync("gate-2", T0, T0.AddHours(1), null, "vehicle-type", 10, null)).Items.ToDictionary(i => i.BlobName);
        Assert.Equal(2, gate2.Count);
        var before = gate2["before.jpg"];
        var after = gate2["after.jpg"];
        Assert.Equal(("vehicle-type", "vehicle-type", false), (before.Model, before.ServedBy, before.Calibrated));
        Assert.Equal(("vehicle-type", CalibratedModel, true, "1"), (after.Model, after.ServedBy, after.Calibrated, after.ModelVersion));
        Assert.Contains(after.TopLabel, TestPackages.Labels);
        Assert.DoesNotContain(before.TopLabel, TestPackages.Labels);
        var gate1 = Assert.Single((await pipeline.Query.ListAsync("gate-1", T0, T0.AddHours(1), null, "vehicle-type", 10, null)).Items);
        Assert.Equal(("vehicle-type", false), (gate1.ServedBy, gate1.Calibrated));
        Assert.Equal(before.TopLabel, gate1.TopLabel);

        using (var document = JsonDocument.Parse(await pipeline.ReadDocumentAsync(pipeline.Options.ResultsContainer, "gate-2/after.jpg.json")))
        {
            var model = document.RootElement.GetProperty("models")[0];
            Assert.Equal(("vehicle-type", CalibratedModel, true), (model.GetProperty("model").GetString(), model.GetProperty("servedBy").GetString(), model.GetProperty("calibrated").GetBoolean()));
        }

        // The summary of gate-2 counts both results under the base model.
        var summary = await pipeline.Query.SummarizeAsync("gate-2", T0, T0.AddHours(1), SmartCity.Cameras.Storage.SummaryInterval.Hour);
        Assert.Equal(2, summary.Buckets.Where(b => b.Model == "vehicle-type").Sum(b => b.Count));

        // Unloaded, the camera's model no longer answers: the base model does again.
        var unload = Json("POST", $"/api/v2/repository/models/{CalibratedModel}/unload", "{\"parameters\": {\"reason\": \"recalibrating\"}}");
        Assert.Equal(200, (await InvokeAsync(unload, () => operations.Repository.V2RepositoryModelUnload(unload.Request, CalibratedModel))).Status);
        await Eventually.HoldsAsync(() => !cameras.Engine.Repository.Names.Contains(CalibratedModel), PatienceLimit, "the camera instance unloads the calibrated model");
        await ClassifyAsync("gate-2", "unloaded.jpg", T0.AddMinutes(2));
        var unloaded = (await pipeline.Query.ListAsync("gate-2", T0, T0.AddHours(1), null, "vehicle-type", 10, null)).Items.Single(i => i.BlobName == "unloaded.jpg");
        Assert.Equal(("vehicle-type", false, before.TopLabel), (unloaded.ServedBy, unloaded.Calibrated, unloaded.TopLabel));
    }
}
