namespace SmartCity.Functions.Http;

/// <summary>
/// An explanation of one image: the method (<c>occlusion</c>), how masked cells are filled
/// (<c>normalisation-mean</c>: 0 after normalisation), the grid, what it cost (items through the
/// batcher and backbone images) and a map per classification head, primary first.
/// </summary>
public sealed record ExplanationBody(string Method, string Fill, int Rows, int Columns, int Items, int BackbonePasses, double ElapsedMs, IReadOnlyList<SaliencyMapBody> Maps);
