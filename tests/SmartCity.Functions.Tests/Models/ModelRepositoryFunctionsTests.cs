using SmartCity.Cameras.Tests.Storage;
using SmartCity.Inference.Models;
using Xunit.Abstractions;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests.Models;

/// <summary>
/// The model repository in Blob Storage through the real function classes against Azurite:
/// publish, the repository index, a broken version beside a serving one, default, roll-back,
/// retire, unload and load, and a second instance over the same container following each change
/// within its refresh interval.
/// </summary>
[Collection(AzuriteDefinition.Name)]
public sealed class ModelRepositoryFunctionsTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Model = "test-head";
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long to poll before giving up: not a timing assertion (the times are reported), only a bound for a loaded CI machine.</summary>
    private static readonly TimeSpan PatienceLimit = TimeSpan.FromMinutes(2);

    private async Task<ModelStorageAccount> AccountAsync()
    {
        Skip.IfNot(azurite.Available, AzuriteFixture.SkipMessage);
        var account = new ModelStorageAccount(azurite.ConnectionString!);
        await account.CreateAsync();
        return account;
    }

    private static async Task<Response> PublishAsync(AppInstance app, IReadOnlyDictionary<string, byte[]> files, bool promote = false, string? idempotencyKey = null, string model = Model)
    {
        var (body, contentType) = await TestPackages.Multipart(files, promote, "test publish");
        var context = Request("POST", $"/api/models/{model}/versions", body, contentType);
        if (idempotencyKey is not null)
        {
            context.Request.Headers["Idempotency-Key"] = idempotencyKey;
        }

        context.Request.Headers[SmartCity.Functions.Http.Repository.Actor.PrincipalHeader] = "ops@example.invalid";
        return await InvokeAsync(context, () => app.Versions.PublishModelVersion(context.Request, model));
    }

    private static async Task<Response> PredictAsync(AppInstance app, string? version, string model = Model)
    {
        var image = File.ReadAllBytes(TestSupport.Sample("vehicles/car106.jpg"));
        var context = Request("POST", version is null ? $"/api/models/{model}/predict" : $"/api/models/{model}/versions/{version}/predict", image, "image/jpeg");
        return await InvokeAsync(context, () => version is null ? app.Predict.Predict(context.Request, model) : app.Predict.PredictVersion(context.Request, model, version));
    }

    private static Task<Response> ChangeAsync(AppInstance app, string method, string path, string json, Func<Microsoft.AspNetCore.Http.HttpRequest, Task<Microsoft.AspNetCore.Mvc.IActionResult>> function)
    {
        var context = Json(method, path, json);
        return InvokeAsync(context, () => function(context.Request));
    }

    private static string? Default(AppInstance app, string model = Model)
    {
        try
        {
            return app.Engine.Repository.Get(model).Version;
        }
        catch (SmartCity.Inference.InferenceException)
        {
            return null;
        }
    }

    private static ModelVersionState? State(AppInstance app, string version, string model = Model) =>
        app.Engine.Repository.Index.FirstOrDefault(s => s.Name == model && s.Version == version);

    [SkippableFact]
    public async Task A_published_package_is_served_as_the_next_version_with_its_card()
    {
        await using var account = await AccountAsync();
        await using var app = new AppInstance(account);

        var published = await PublishAsync(app, TestPackages.Head(intendedUse: "Tells left from right."));

        Assert.Equal(201, published.Status);
        Assert.Equal("1", published.Json.GetProperty("version").GetString());
        Assert.True(published.Json.GetProperty("isDefault").GetBoolean());
        Assert.Equal("READY", published.Json.GetProperty("state").GetString());
        Assert.Equal($"/api/models/{Model}", published.Headers.Location.ToString());
        var predicted = await PredictAsync(app, "1");
        Assert.Equal(200, predicted.Status);
        Assert.Contains(predicted.Json.GetProperty("images")[0].GetProperty("predictions")[0].GetProperty("label").GetString(), TestPackages.Labels);

        var details = Request("GET", $"/api/models/{Model}");
        var model = await InvokeAsync(details, () => app.Models.GetModel(details.Request, Model));
        var card = model.Json.GetProperty("versions")[0].GetProperty("card");
        Assert.Equal("Tells left from right.", card.GetProperty("intendedUse").GetString());
        Assert.Equal(1.0, card.GetProperty("heads")[0].GetProperty("heldOut").GetProperty("accuracy").GetDouble());

        var metadata = Request("GET", $"/api/v2/models/{Model}");
        var v2 = await InvokeAsync(metadata, () => app.OpenInference.V2ModelMetadata(metadata.Request, Model));
        var parameters = v2.Json.GetProperty("parameters");
        Assert.Equal("Tells left from right.", parameters.GetProperty("intended_use").GetString());
        Assert.Equal(1.0, parameters.GetProperty("held_out_accuracy").GetDouble());
        Assert.Equal("resnet18-embedding/1", parameters.GetProperty("backbone").GetString());

        var history = Request("GET", $"/api/models/{Model}/history");
        var changes = (await InvokeAsync(history, () => app.Versions.GetModelHistory(history.Request, Model))).Json.GetProperty("changes");
        var change = Assert.Single(changes.EnumerateArray());
        Assert.Equal("publish", change.GetProperty("action").GetString());
        Assert.Equal("ops@example.invalid", change.GetProperty("actor").GetString());
        Assert.Equal("1", change.GetProperty("version").GetString());
    }

    [SkippableFact]
    public async Task The_bundled_models_have_cards_in_the_model_details_and_the_Open_Inference_metadata()
    {
        await using var account = await AccountAsync();
        await using var app = new AppInstance(account);

        var metadata = Request("GET", "/api/v2/models/vehicle-type");
        var parameters = (await InvokeAsync(metadata, () => app.OpenInference.V2ModelMetadata(metadata.Request, "vehicle-type"))).Json.GetProperty("parameters");
        Assert.Equal(0.9458, parameters.GetProperty("held_out_accuracy").GetDouble()); // vehicle-type/2, over the 8-bit backbone (the default)
        Assert.Equal(720, parameters.GetProperty("held_out_images").GetInt32());
        Assert.Equal(3600, parameters.GetProperty("training_images").GetInt32());

        var details = Request("GET", "/api/models/traffic-scene");
        var card = (await InvokeAsync(details, () => app.Models.GetModel(details.Request, "traffic-scene"))).Json.GetProperty("versions")[0].GetProperty("card");
        Assert.Equal(["congestion", "lighting", "embedding"], card.GetProperty("heads").EnumerateArray().Select(h => h.GetProperty("output").GetString()));
        Assert.Equal(214, card.GetProperty("trainingData").GetProperty("images").GetInt32());
    }

    [SkippableTheory]
    [InlineData("corrupt-onnx", "cannot load")]
    [InlineData("missing-labels", "labels.txt")]
    public async Task A_package_that_cannot_be_served_is_refused_before_anything_is_written(string kind, string detail)
    {
        await using var account = await AccountAsync();
        await using var app = new AppInstance(account);

        var response = await PublishAsync(app, kind == "corrupt-onnx" ? TestPackages.CorruptOnnx() : TestPackages.MissingLabels());

        Assert.Equal(400, response.Status);
        Assert.Equal("urn:smartcity:problem:invalid-package", response.Json.GetProperty("type").GetString());
        Assert.Contains(detail, response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(await account.Models.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, Model + "/", CancellationToken.None).GetAsyncEnumerator().MoveNextAsync());
    }

    [SkippableFact]
    public async Task A_broken_version_is_unavailable_with_its_reason_and_the_previous_default_keeps_answering()
    {
        await using var account = await AccountAsync();
        await using var app = new AppInstance(account);
        Assert.Equal(201, (await PublishAsync(app, TestPackages.Head())).Status);

        // Written straight into the container, as a script could: nothing checked them.
        await TestPackages.WriteAsync(account, Model, "2", TestPackages.CorruptOnnx());
        var badManifest = TestPackages.Head();
        badManifest["model.json"] = "{ \"task\": \"image-classification\", \"output\": { \"kind\": \"sideways\" } }"u8.ToArray();
        await TestPackages.WriteAsync(account, Model, "3", badManifest);
        Assert.True(await app.Synchronizer.RefreshAsync());

        Assert.Equal(ModelAvailability.Unavailable, State(app, "2")!.State);
        Assert.Contains("cannot load", State(app, "2")!.Reason, StringComparison.Ordinal);
        Assert.Equal(ModelAvailability.Unavailable, State(app, "3")!.State);
        Assert.Contains("output.kind", State(app, "3")!.Reason, StringComparison.Ordinal);
        var answer = await PredictAsync(app, null);
        Assert.Equal(200, answer.Status);
        Assert.Equal("1", answer.Json.GetProperty("version").GetString());
        var broken = await PredictAsync(app, "2");
        Assert.Equal(503, broken.Status);
        Assert.Equal("urn:smartcity:problem:model-unavailable", broken.Json.GetProperty("type").GetString());

        var index = Json("POST", "/api/v2/repository/index", "{}");
        var entries = (await InvokeAsync(index, () => app.Repository.V2RepositoryIndex(index.Request))).Json.EnumerateArray().Where(e => e.GetProperty("name").GetString() == Model).ToList();
        Assert.Equal(["1:READY", "2:UNAVAILABLE", "3:UNAVAILABLE"], entries.Select(e => $"{e.GetProperty("version").GetString()}:{e.GetProperty("state").GetString()}"));
        Assert.Contains("cannot load", entries[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var ready = Json("POST", "/api/v2/repository/index", "{\"ready\": true}");
        Assert.DoesNotContain((await InvokeAsync(ready, () => app.Repository.V2RepositoryIndex(ready.Request))).Json.EnumerateArray(), e => e.GetProperty("state").GetString() != "READY");
    }

    [SkippableFact]
    public async Task Promote_roll_back_and_retire_reach_a_second_instance_within_its_refresh_interval()
    {
        await using var account = await AccountAsync();
        await using var a = new AppInstance(account);
        await using var b = new AppInstance(account, refreshSeconds: (int)RefreshInterval.TotalSeconds);
        await b.StartRefreshingAsync();
        var within = PatienceLimit;

        Assert.Equal(201, (await PublishAsync(a, TestPackages.Head(1))).Status);
        var second = await PublishAsync(a, TestPackages.Head(2));
        Assert.Equal("2", second.Json.GetProperty("version").GetString());
        Assert.False(second.Json.GetProperty("isDefault").GetBoolean());
        Assert.Equal("1", Default(a));
        var published = await Eventually.HoldsAsync(() => State(b, "2")?.State == ModelAvailability.Ready && Default(b) == "1", within, "instance B serves version 2 beside the default 1");

        var promoted = await ChangeAsync(a, "PUT", $"/api/models/{Model}/default", "{\"version\": \"2\", \"reason\": \"better\"}", r => a.Versions.SetModelDefault(r, Model));
        Assert.Equal(200, promoted.Status);
        Assert.Equal("2", promoted.Json.GetProperty("defaultVersion").GetString());
        Assert.Equal("1", promoted.Json.GetProperty("previousDefault").GetString());
        Assert.Equal("2", Default(a));
        var promotedOnB = await Eventually.HoldsAsync(() => Default(b) == "2", within, "instance B's default is 2");

        var rolledBack = await ChangeAsync(a, "POST", $"/api/models/{Model}/default/rollback", "{}", r => a.Versions.RollBackModelDefault(r, Model));
        Assert.Equal("1", rolledBack.Json.GetProperty("defaultVersion").GetString());
        var rolledBackOnB = await Eventually.HoldsAsync(() => Default(b) == "1", within, "instance B's default is 1 again");

        var retired = await ChangeAsync(a, "POST", $"/api/models/{Model}/versions/2/retire", "{\"reason\": \"superseded\"}", r => a.Versions.RetireModelVersion(r, Model, "2"));
        Assert.Equal("UNAVAILABLE", retired.Json.GetProperty("state").GetString());
        Assert.Contains("retired by admin key", retired.Json.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var retiredOnB = await Eventually.HoldsAsync(() => State(b, "2")?.State == ModelAvailability.Unavailable, within, "instance B drops version 2");
        Assert.Equal(503, (await PredictAsync(b, "2")).Status);
        Assert.Equal("1", (await PredictAsync(b, null)).Json.GetProperty("version").GetString());

        var history = Request("GET", $"/api/models/{Model}/history");
        var actions = (await InvokeAsync(history, () => a.Versions.GetModelHistory(history.Request, Model))).Json.GetProperty("changes").EnumerateArray()
            .Select(c => $"{c.GetProperty("action").GetString()} {c.GetProperty("version").GetString()}").ToList();
        Assert.Equal(["publish 1", "publish 2", "set-default 2", "rollback 1", "retire 2"], actions);
        output.WriteLine($"Second instance (refresh {RefreshInterval.TotalSeconds} s) served the change after: publish {published.TotalSeconds:0.00} s, promote {promotedOnB.TotalSeconds:0.00} s, roll back {rolledBackOnB.TotalSeconds:0.00} s, retire {retiredOnB.TotalSeconds:0.00} s");
    }

    [SkippableFact]
    public async Task Unload_and_load_reach_every_instance_and_an_unloaded_model_answers_503()
    {
        await using var account = await AccountAsync();
        await using var a = new AppInstance(account);
        await using var b = new AppInstance(account, refreshSeconds: (int)RefreshInterval.TotalSeconds);
        await b.StartRefreshingAsync();
        Assert.Equal(201, (await PublishAsync(a, TestPackages.Head())).Status);
        await Eventually.HoldsAsync(() => Default(b) == "1", PatienceLimit, "instance B serves the model");

        var unload = Json("POST", $"/api/v2/repository/models/{Model}/unload", "{\"parameters\": {\"reason\": \"maintenance\"}}");
        var unloaded = await InvokeAsync(unload, () => a.Repository.V2RepositoryModelUnload(unload.Request, Model));
        Assert.True(unloaded.Status == 200, unloaded.Body);
        var refused = await PredictAsync(a, null);
        Assert.Equal(503, refused.Status);
        Assert.Contains("unloaded by admin key", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("maintenance", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => Default(b) is null, PatienceLimit, "instance B unloads the model");
        Assert.Contains("unloaded", State(b, "1")!.Reason, StringComparison.Ordinal);

        var load = Json("POST", $"/api/v2/repository/models/{Model}/load", "");
        Assert.Equal(200, (await InvokeAsync(load, () => a.Repository.V2RepositoryModelLoad(load.Request, Model))).Status);
        Assert.Equal(200, (await PredictAsync(a, null)).Status);
        await Eventually.HoldsAsync(() => Default(b) == "1", PatienceLimit, "instance B loads the model again");
    }

    [SkippableFact]
    public async Task Changes_that_cannot_be_made_are_409s_and_unknown_models_404s()
    {
        await using var account = await AccountAsync();
        await using var app = new AppInstance(account);
        Assert.Equal(201, (await PublishAsync(app, TestPackages.Head())).Status);
        await TestPackages.WriteAsync(account, Model, "2", TestPackages.CorruptOnnx());

        var noPrevious = await ChangeAsync(app, "POST", $"/api/models/{Model}/default/rollback", "", r => app.Versions.RollBackModelDefault(r, Model));
        Assert.Equal((409, "no-previous-default"), (noPrevious.Status, Code(noPrevious)));
        var unservable = await ChangeAsync(app, "PUT", $"/api/models/{Model}/default", "{\"version\": \"2\"}", r => app.Versions.SetModelDefault(r, Model));
        Assert.Equal((409, "version-not-servable"), (unservable.Status, Code(unservable)));
        Assert.Equal(200, (await ChangeAsync(app, "PUT", $"/api/models/{Model}/default", "{\"version\": \"1\"}", r => app.Versions.SetModelDefault(r, Model))).Status);
        var isDefault = await ChangeAsync(app, "POST", $"/api/models/{Model}/versions/1/retire", "", r => app.Versions.RetireModelVersion(r, Model, "1"));
        Assert.Equal((409, "version-is-default"), (isDefault.Status, Code(isDefault)));
        var noVersion = await ChangeAsync(app, "PUT", $"/api/models/{Model}/default", "{}", r => app.Versions.SetModelDefault(r, Model));
        Assert.Equal((400, "malformed-json"), (noVersion.Status, Code(noVersion)));
        var unknown = Json("POST", "/api/v2/repository/models/no-such-model/unload", "");
        var missing = await InvokeAsync(unknown, () => app.Repository.V2RepositoryModelUnload(unknown.Request, "no-such-model"));
        Assert.Equal(404, missing.Status);
        Assert.Contains("no-such-model", missing.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_retried_publish_with_the_same_idempotency_key_publishes_one_version()
    {
        await using var account = await AccountAsync();
        await using var app = new AppInstance(account);

        var first = await PublishAsync(app, TestPackages.Head(), idempotencyKey: "push-42");
        var again = await PublishAsync(app, TestPackages.Head(), idempotencyKey: "push-42");

        Assert.Equal((201, "1"), (first.Status, first.Json.GetProperty("version").GetString()));
        Assert.Equal((200, "1"), (again.Status, again.Json.GetProperty("version").GetString()));
        Assert.False(again.Json.GetProperty("created").GetBoolean());
        Assert.Equal(["1"], await account.PublishedVersionsAsync(Model));
    }

    private static string? Code(Response response) => response.Json.GetProperty("type").GetString()?.Replace(SmartCity.Functions.Http.ProblemMapping.TypePrefix, string.Empty, StringComparison.Ordinal);
}
