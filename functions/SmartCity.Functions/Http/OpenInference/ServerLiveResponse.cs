namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$live_server_response</c>.</summary>
public sealed record ServerLiveResponse(bool Live);
