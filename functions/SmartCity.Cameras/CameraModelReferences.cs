using Microsoft.Extensions.Options;
using SmartCity.Inference.Hosting;

namespace SmartCity.Cameras;

/// <summary>The models of <c>Camera:Models</c> and <c>Camera:ModelRoutes</c>, checked against the repository at start.</summary>
internal sealed class CameraModelReferences(IOptions<CameraPipelineOptions> options) : IModelReferences
{
    public IEnumerable<(string Setting, string Model)> References =>
        options.Value.ModelNames.Select(m => ($"{CameraPipelineOptions.Section}:Models", m))
            .Concat(options.Value.Routes.SelectMany(r => r.Models).Select(m => ($"{CameraPipelineOptions.Section}:ModelRoutes", m)));
}
