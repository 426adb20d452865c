namespace SmartCity.Inference.Hosting;

/// <summary>Models a setting names, checked against the repository at start by <see cref="ModelReferenceCheck"/>.</summary>
public interface IModelReferences
{
    /// <summary>Each named model with the setting key that names it (e.g. <c>Inference:WarmUpModels</c>).</summary>
    IEnumerable<(string Setting, string Model)> References { get; }
}
