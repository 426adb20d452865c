using SmartCity.Inference.Imaging;

namespace SmartCity.Inference.Explaining;

/// <summary>
/// One image run unmasked and under several masks: its preprocessed tensor, the grid, and the
/// postprocessed outputs per mask (<c>[mask][head][value]</c>), and the first item's example
/// embedding (the model's embedding output, or the backbone's output when it was kept; else null).
/// </summary>
internal sealed record MaskedRun(PreprocessResult Image, float[] Tensor, CellMap Cells, float[][][] Outputs, float[]? Embedding = null);
