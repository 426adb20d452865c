namespace SmartCity.Functions.Tests.CustomVision;

/// <summary>For tests that make no <c>/url</c> call (those are CustomVisionUrlTests): a client factory that refuses to make a client.</summary>
internal sealed class NoHttpClients : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => throw new InvalidOperationException("These tests fetch nothing.");
}
