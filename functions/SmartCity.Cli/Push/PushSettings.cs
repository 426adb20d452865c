namespace SmartCity.Cli.Push;

/// <summary>Where and how to publish a version folder.</summary>
internal sealed record PushSettings(Uri Host, string? Key, bool Promote, string? Reason)
{
    public async Task<PushResult> PushAsync(string model, string folder, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        return await new ModelPusher(http).PushAsync(Host, model, folder, Key, Promote, Reason, cancellationToken);
    }
}
