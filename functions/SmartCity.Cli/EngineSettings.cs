using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cli;

/// <summary>How a command's engine is set up: the models folder and whether JPEGs are decoded scaled.</summary>
/// <param name="ModelsPath">The models folder; null for <c>models/</c> beside the tool.</param>
internal sealed record EngineSettings(string? ModelsPath, bool ScaledDecode)
{
    public InferenceEngine CreateEngine(int maxBatchSize = 16)
    {
        var options = new InferenceOptions
        {
            ModelsPath = ModelsPath,
            MaxBatchSize = maxBatchSize,
            ScaledDecode = ScaledDecode,
        };
        return new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
    }
}
