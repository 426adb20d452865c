namespace SmartCity.Functions.Models;

/// <summary>One change to a model, as its history records it: who, when, what.</summary>
/// <param name="Action">publish, set-default, rollback, retire, load or unload.</param>
/// <param name="Version">The version the change is about (for set-default and rollback, the new default).</param>
/// <param name="PreviousDefault">For changes of the default: the default before.</param>
/// <param name="Id">Unique per change; for a publish, the publish id, so a retried publish records it once.</param>
public sealed record ModelChange(string Id, string Model, string Action, string? Version, string? PreviousDefault, string Actor, DateTimeOffset At, string? Reason)
{
    public const string Publish = "publish";
    public const string SetDefault = "set-default";
    public const string Rollback = "rollback";
    public const string Retire = "retire";
    public const string Load = "load";
    public const string Unload = "unload";
}
