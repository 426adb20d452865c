namespace SmartCity.Inference.Models;

/// <summary>
/// What an operator decided about one model, read from the external source with its versions:
/// the <c>default</c> pointer (a stable channel, with the version it replaced, for roll-back and
/// as the fallback when the pointed version cannot be served), whether the model is unloaded,
/// and which versions are retired. Applies to bundled versions too.
/// </summary>
/// <param name="DefaultVersion">The version the pointer names; null for none (the highest servable version is the default).</param>
/// <param name="PreviousDefault">The version the pointer named before, if any.</param>
/// <param name="Unloaded">Why the model is unloaded (who and when); null while it is loaded.</param>
/// <param name="Retired">Retired versions, each with why (who and when).</param>
public sealed record ModelControl(string? DefaultVersion, string? PreviousDefault, string? Unloaded, IReadOnlyDictionary<string, string> Retired)
{
    public static readonly ModelControl None = new(null, null, null, new Dictionary<string, string>(StringComparer.Ordinal));
}
