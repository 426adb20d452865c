namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$ready_model_response</c>.</summary>
public sealed record ModelReadyResponse(string Name, bool Ready);
