using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;
using SmartCity.Training.Cards;

namespace SmartCity.Functions.Http;

/// <summary>What <c>GET /api/models</c> and <c>GET /api/models/{model}</c> answer, from the repository and the engine.</summary>
public sealed class ModelCatalog(InferenceEngine engine)
{
    public IReadOnlyList<ModelSummaryBody> List() =>
    [
        .. engine.Repository.Names.Select(name =>
        {
            var versions = engine.Repository.Versions(name);
            var current = engine.Repository.Get(name);
            return new ModelSummaryBody(name, [.. versions.Select(v => v.Version)], current.Version, current.Task, current.Manifest.Description);
        }),
    ];

    public async Task<ModelDetailsBody> DescribeAsync(string name, CancellationToken cancellationToken)
    {
        var versions = engine.Repository.Versions(name);
        var bodies = new List<ModelVersionBody>(versions.Count);
        foreach (var version in versions)
        {
            var loaded = engine.IsLoaded(version);
            var labels = version.Labels.Count > 0 || !loaded ? version.Labels : (await engine.DescribeAsync(version, cancellationToken)).Labels;
            var input = version.ImageInput;
            bodies.Add(new ModelVersionBody(
                version.Version,
                version.Task,
                labels,
                new ModelInputBody((version.Backbone ?? version).Manifest.Input?.Name, input.Layout, input.Width, input.Height, input.Resize, input.ChannelOrder, input.ValueRange, input.Mean, input.Std),
                version.OutputKind,
                version.Manifest.Description,
                version.Manifest.License,
                loaded,
                ModelCard.TryRead(version.Directory)));
        }

        var unavailable = engine.Repository.Index
            .Where(s => s.Name == name && s.State == ModelAvailability.Unavailable)
            .Select(s => new UnavailableVersionBody(s.Version, s.Reason))
            .ToList();
        return new ModelDetailsBody(name, engine.Repository.Get(name).Version, bodies, unavailable);
    }
}
