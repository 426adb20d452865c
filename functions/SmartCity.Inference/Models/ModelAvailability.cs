namespace SmartCity.Inference.Models;

/// <summary>Whether a version in the repository can be served (the states of Triton's repository index).</summary>
public enum ModelAvailability
{
    /// <summary>Validated (and, for a version from an external source, loaded once): requests are answered.</summary>
    Ready,

    /// <summary>In the repository but not served: it failed to load, was retired, or its model is unloaded. The reason says which.</summary>
    Unavailable,
}
