using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SmartCity.Functions.Http.CustomVision;

public static class CustomVisionImageUrlExtensions
{
    /// <summary>
    /// The fetcher of the <c>/url</c> routes and its named <see cref="HttpClient"/>, whose handler
    /// connects only to addresses <see cref="ImageUrlPolicy"/> allows. <see cref="HostResolver"/> is
    /// the system's DNS unless one is registered before (tests).
    /// </summary>
    public static IServiceCollection AddCustomVisionImageUrls(this IServiceCollection services)
    {
        services.TryAddSingleton<HostResolver>(_ => (host, cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken));
        services.TryAddSingleton<ImageUrlConnector>();
        services.TryAddSingleton<ImageUrlFetcher>();
        services.AddHttpClient(ImageUrlFetcher.ClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // the fetcher's own deadline (CustomVision:UrlTimeoutSeconds) bounds every call
                client.DefaultRequestHeaders.UserAgent.ParseAdd("SmartCity.Serverless-CustomVision");
            })
            .ConfigurePrimaryHttpMessageHandler(provider => provider.GetRequiredService<ImageUrlConnector>().CreateHandler())
            .RemoveAllLoggers(); // an image URL may carry a SAS token in its query: never logged
        return services;
    }
}
