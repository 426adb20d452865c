namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$ready_server_response</c> (the spec's schema repeats <c>live</c> here; <c>ready</c> is what it means).</summary>
public sealed record ServerReadyResponse(bool Ready);
