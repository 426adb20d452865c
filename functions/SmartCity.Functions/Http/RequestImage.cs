namespace SmartCity.Functions.Http;

/// <summary>An encoded image taken from a request, with the part or file name it came with.</summary>
public readonly record struct RequestImage(string? Name, ReadOnlyMemory<byte> Data);
