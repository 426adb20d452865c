using Microsoft.Extensions.Options;
using SmartCity.Inference.Hosting;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>The models of <c>CustomVision:Projects</c>, checked against the repository at start.</summary>
internal sealed class CustomVisionModelReferences(IOptions<CustomVisionOptions> options) : IModelReferences
{
    public IEnumerable<(string Setting, string Model)> References =>
        options.Value.ProjectList.Select(p => ($"{CustomVisionOptions.Section}:Projects", p.Model));
}
