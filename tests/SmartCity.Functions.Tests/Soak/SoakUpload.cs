namespace SmartCity.Functions.Tests.Soak;

/// <summary>One camera upload of the mix (its last version), and what must be stored of it.</summary>
/// <param name="Name">The blob name under the camera.</param>
/// <param name="Status"><c>classified</c> or <c>rejected</c>.</param>
/// <param name="Reason">The rejection reason, or null.</param>
internal sealed record SoakUpload(string Name, string Status, string? Reason);
