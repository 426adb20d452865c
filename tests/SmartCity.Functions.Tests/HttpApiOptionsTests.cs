using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Http;
using SmartCity.Inference.Hosting;

namespace SmartCity.Functions.Tests;

/// <summary>The HTTP API's settings are checked when the app starts, and a bad one names its key.</summary>
public class HttpApiOptionsTests
{
    private static IOptions<HttpApiOptions> Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddInferenceEngine();
        services.AddHttpApiOptions();
        return services.BuildServiceProvider().GetRequiredService<IOptions<HttpApiOptions>>();
    }

    [Fact]
    public void The_image_limit_defaults_to_32()
    {
        Assert.Equal(32, Bind().Value.MaxImagesPerRequest);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1025")]
    public void An_image_limit_out_of_range_names_the_key(string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(("Http:MaxImagesPerRequest", value)).Value);
        Assert.Contains(error.Failures, f => f.EndsWith("Http:MaxImagesPerRequest must be between 1 and 1024.", StringComparison.Ordinal));
    }

    [Fact]
    public void An_image_limit_over_the_queue_length_is_refused_naming_both_keys()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(("Http:MaxImagesPerRequest", "300"), ("Inference:MaxQueueLength", "256")).Value);
        var failure = Assert.Single(error.Failures);
        Assert.Contains("Http:MaxImagesPerRequest", failure, StringComparison.Ordinal);
        Assert.Contains("Inference:MaxQueueLength", failure, StringComparison.Ordinal);
    }
}
