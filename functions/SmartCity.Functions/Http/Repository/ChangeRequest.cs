namespace SmartCity.Functions.Http.Repository;

/// <summary>The body of a change to a model's versions: the version it is about (set-default) and why, for its history.</summary>
public sealed class ChangeRequest
{
    public string? Version { get; set; }

    public string? Reason { get; set; }
}
