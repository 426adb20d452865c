using Microsoft.Extensions.Options;

namespace SmartCity.Inference.Hosting;

/// <summary>The models of <c>Inference:WarmUpModels</c>.</summary>
internal sealed class WarmUpModelReferences(IOptions<InferenceOptions> options) : IModelReferences
{
    public IEnumerable<(string Setting, string Model)> References =>
        options.Value.WarmUpModelNames.Select(m => ($"{InferenceOptions.Section}:WarmUpModels", m));
}
