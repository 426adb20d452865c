namespace SmartCity.Inference.Imaging;

/// <summary>What preprocessing saw and how long it took.</summary>
/// <param name="Width">Width of the image as displayed (after EXIF orientation).</param>
/// <param name="Height">Height of the image as displayed.</param>
/// <param name="DecodedWidth">Width actually decoded (smaller than the encoded width when the codec scaled).</param>
/// <param name="DecodedHeight">Height actually decoded.</param>
/// <param name="Format">The encoded format.</param>
/// <param name="DecodeTicks">Stopwatch ticks spent decoding.</param>
/// <param name="ResizeTicks">Stopwatch ticks spent resizing and writing the tensor.</param>
public readonly record struct PreprocessResult(int Width, int Height, int DecodedWidth, int DecodedHeight, string Format, long DecodeTicks, long ResizeTicks);
