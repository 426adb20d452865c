using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SmartCity.Inference.Hosting;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Tests.Hosting;

/// <summary><see cref="InferenceServiceCollectionExtensions.AddInferenceEngine"/> in a generic host, as the app and the CLI build it.</summary>
public class InferenceEngineRegistrationTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Inference:ModelsPath"] = TestPaths.FixtureModels,
        }.Concat(settings).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value));
        builder.Services.AddInferenceEngine();
        builder.Services.AddInferenceEngine(); // libraries over the engine call it too
        return builder.Build();
    }

    [Fact]
    public async Task Good_settings_start_the_host_with_one_engine()
    {
        using var host = Build(new() { ["Inference:MaxBatchSize"] = "4", ["Inference:WarmUpModels"] = "channel-logits" });

        await host.StartAsync();
        try
        {
            var engine = host.Services.GetRequiredService<InferenceEngine>();
            Assert.Same(engine, host.Services.GetRequiredService<InferenceEngine>());
            Assert.Equal(4, engine.Options.MaxBatchSize);
            Assert.Equal(TestPaths.FixtureModels, engine.Repository.Path);
            Assert.Single(host.Services.GetServices<IHostedService>(), s => s.GetType().Name == "ModelWarmUpService");
            await engine.StartWarmUp();
            Assert.Null(engine.NotReadyReason);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData("Inference:MaxBatchSize", "0", "Inference:MaxBatchSize")]
    [InlineData("Inference:MaxBatchSize", "257", "Inference:MaxBatchSize")]
    [InlineData("Inference:MaxQueueDelayMs", "-1", "Inference:MaxQueueDelayMs")]
    [InlineData("Inference:MaxFullSizeDecodes", "-1", "Inference:MaxFullSizeDecodes")]
    [InlineData("Inference:MaxFullSizeDecodes", "257", "Inference:MaxFullSizeDecodes")]
    [InlineData("Inference:WarmUpModels", "channel-logits, no-such-model", "Inference:WarmUpModels")]
    [InlineData("Inference:WarmUpModels", "not a list!", "Inference:WarmUpModels")]
    public async Task A_misconfiguration_stops_the_start_naming_the_key(string key, string value, string named)
    {
        using var host = Build(new() { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_warm_up_model_is_named_with_the_models_folder()
    {
        using var host = Build(new() { ["Inference:WarmUpModels"] = "no-such-model" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("no-such-model", error.Message, StringComparison.Ordinal);
        Assert.Contains(TestPaths.FixtureModels, error.Message, StringComparison.Ordinal);
    }
}
