using SmartCity.Inference.Imaging;

namespace SmartCity.Inference.Explaining;

/// <summary>
/// One image run unmasked and under several masks: its preprocessed tensor, the grid, and the
/// postprocessed outputs per mask (<c>[mask][head][value]</c>).
/// </summary>
internal sealed record MaskedRun(PreprocessResult Image, float[] Tensor, CellMap Cells, float[][][] Outputs);
