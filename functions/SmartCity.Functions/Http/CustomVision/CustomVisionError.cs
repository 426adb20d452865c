namespace SmartCity.Functions.Http.CustomVision;

/// <summary>The spec's <c>CustomVisionError</c>: a code of its <c>CustomVisionErrorCodes</c> and a message.</summary>
public sealed record CustomVisionError(string Code, string Message);
