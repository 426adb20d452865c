namespace SmartCity.Inference.Models;

/// <summary>What an external source holds at one moment: its versions and the operators' decisions per model.</summary>
public sealed record ModelSourceListing(IReadOnlyList<ModelSourceVersion> Versions, IReadOnlyDictionary<string, ModelControl> Controls)
{
    public static readonly ModelSourceListing Empty = new([], new Dictionary<string, ModelControl>(StringComparer.Ordinal));

    public ModelControl Control(string model) => Controls.GetValueOrDefault(model) ?? ModelControl.None;
}
