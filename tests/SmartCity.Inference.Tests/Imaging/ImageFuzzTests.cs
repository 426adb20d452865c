using System.Buffers.Binary;
using System.Globalization;
using SkiaSharp;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Tests.Shared;
using Xunit.Abstractions;

namespace SmartCity.Inference.Tests.Imaging;

/// <summary>
/// Mutation fuzzing of the decode path: real JPEG, PNG, GIF, WebP and BMP files with bits
/// flipped, cut short, header fields and chunk lengths overwritten. Whatever the bytes, only the
/// documented image errors (<see cref="ImageProblemException"/>: 400 or 422) may come out,
/// and the managed heap does not grow. A short run in CI; <c>FUZZ_ITERATIONS</c> sets how many
/// mutations run, and <c>FUZZ_SEED</c> the seed (printed in every failure to replay it).
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public class ImageFuzzTests(ITestOutputHelper output)
{
    private const int DefaultIterations = 1500;
    private const int DefaultSeed = 20261201;
    private static readonly TensorFormat Format = new(new InputSpec { Width = 224, Height = 224 });

    [Fact]
    public void Mutated_images_fail_only_with_the_documented_image_errors()
    {
        var iterations = EnvironmentNumber("FUZZ_ITERATIONS", DefaultIterations);
        var seed = EnvironmentNumber("FUZZ_SEED", DefaultSeed);
        var seeds = SeedImages();
        using var preprocessor = new ImagePreprocessor(40_000_000);
        var tensor = new float[Format.Length];
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        // Warm the decoders and pools so the heap baseline holds what any decode keeps.
        foreach (var (_, image) in seeds)
        {
            preprocessor.Preprocess(image, Format, tensor);
        }

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < iterations; i++)
        {
            var (name, original) = seeds[random.Next(seeds.Count)];
            var (mutation, mutated) = Mutate(original, random);
            string outcome;
            try
            {
                preprocessor.Preprocess(mutated, Format, tensor);
                outcome = "decoded";
            }
            catch (ImageProblemException problem)
            {
                outcome = problem.Code;
            }
            catch (Exception other)
            {
                Assert.Fail($"FUZZ_SEED={seed} iteration {i}: {name} with {mutation} threw {other.GetType().Name}: {other.Message}");
                throw;
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            Assert.True(preprocessor.FullSizeDecodesRunning == 0, $"FUZZ_SEED={seed} iteration {i}: {name} with {mutation} kept a place among full-size decodes");
        }

        var grown = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        output.WriteLine($"FUZZ_SEED={seed}, {iterations} mutations: {string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}; heap grew {grown / 1024} KB");
        Assert.True(grown < 32 * 1024 * 1024, $"FUZZ_SEED={seed}: the managed heap grew by {grown / (1024 * 1024)} MB over {iterations} mutations");
    }

    private static int EnvironmentNumber(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    /// <summary>Sample photos as JPEG, and re-encoded small as PNG, WebP and BMP; GIFs from the bomb generator (Skia writes none).</summary>
    private static List<(string Name, byte[] Image)> SeedImages()
    {
        var seeds = new List<(string, byte[])>();
        foreach (var path in Directory.EnumerateFiles(TestPaths.Samples, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(4))
        {
            var jpeg = File.ReadAllBytes(path);
            seeds.Add((Path.GetFileName(path), jpeg));
            using var decoded = SKBitmap.Decode(jpeg);
            using var small = decoded.Resize(new SKImageInfo(160, 120, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear));
            foreach (var (format, extension) in new[] { (SKEncodedImageFormat.Png, "png"), (SKEncodedImageFormat.Webp, "webp") })
            {
                using var data = small.Encode(format, 80);
                seeds.Add(($"{Path.GetFileNameWithoutExtension(path)}.{extension}", data.ToArray()));
            }

            seeds.Add(($"{Path.GetFileNameWithoutExtension(path)}.bmp", TestImages.Bmp(160, 120, (x, y) => small.GetPixel(x, y))));
        }

        seeds.Add(("black-300x200.gif", DecodeBombImages.Create("gif", 300, 200)));
        seeds.Add(("black-640x480.gif", DecodeBombImages.Create("gif", 640, 480)));
        seeds.Add(("black-800x600-1bit.bmp", DecodeBombImages.Create("bmp", 800, 600)));
        return seeds;
    }

    private static (string Mutation, byte[] Data) Mutate(byte[] original, Random random)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0:
                var flips = 1 + random.Next(8);
                for (var f = 0; f < flips; f++)
                {
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                }

                return ($"{flips} bit flips", data);
            case 1:
                var length = random.Next(data.Length);
                return ($"truncation to {length} bytes", data[..length]);
            case 2:
                // Header fields: sizes, counts, code sizes sit in the first bytes of every format.
                var offset = random.Next(Math.Min(64, data.Length - 4));
                var value = (uint)random.NextInt64(uint.MaxValue + 1L);
                if (random.Next(2) == 0)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(offset), value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(offset), (ushort)value);
                }

                return ($"header value {value} at {offset}", data);
            case 3:
                return ChunkLength(data, random);
            case 4:
                var start = random.Next(data.Length);
                var count = Math.Min(data.Length - start, 1 + random.Next(256));
                random.NextBytes(data.AsSpan(start, count));
                return ($"{count} random bytes at {start}", data);
            default:
                var cut = random.Next(data.Length);
                var repeat = data.AsSpan(cut, Math.Min(data.Length - cut, 1 + random.Next(4096))).ToArray();
                return ($"{repeat.Length} bytes from {cut} repeated", [.. data, .. repeat, .. repeat]);
        }
    }

    /// <summary>Overwrites the length of a PNG chunk, a RIFF (WebP) chunk, a JPEG segment or a GIF sub-block.</summary>
    private static (string, byte[]) ChunkLength(byte[] data, Random random)
    {
        var lengths = new List<(int Offset, int Size, bool BigEndian)>();
        if (ImagePreprocessor.SniffFormat(data) == "png")
        {
            for (long at = 8; at + 8 <= data.Length; at += 12L + BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan((int)at)))
            {
                lengths.Add(((int)at, 4, true));
            }
        }
        else if (ImagePreprocessor.SniffFormat(data) == "webp")
        {
            lengths.Add((4, 4, false));
            for (long at = 12; at + 8 <= data.Length; at += 8L + ((BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)at + 4)) + 1L) & ~1L))
            {
                lengths.Add(((int)at + 4, 4, false));
            }
        }
        else if (ImagePreprocessor.SniffFormat(data) == "jpeg")
        {
            for (var at = 2; at + 4 <= data.Length && data[at] == 0xFF && data[at + 1] != 0xDA; at += 2 + BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at + 2)))
            {
                lengths.Add((at + 2, 2, true));
            }
        }
        else
        {
            for (var at = Math.Min(data.Length - 1, 13 + 12 + 10 + 1); at < data.Length; at += 1 + data[at])
            {
                lengths.Add((at, 1, false)); // GIF sub-blocks after the header, palette and image descriptor (BMP: arbitrary bytes)
            }
        }

        if (lengths.Count == 0)
        {
            return ("no chunk to change", data);
        }

        var (offset, size, bigEndian) = lengths[random.Next(lengths.Count)];
        var value = (uint)random.NextInt64(uint.MaxValue + 1L);
        switch (size, bigEndian)
        {
            case (4, true): BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(offset), value); break;
            case (4, false): BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), value); break;
            case (2, _): BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(offset), (ushort)value); break;
            default: data[offset] = (byte)value; break;
        }

        return ($"chunk length {value} at {offset}", data);
    }
}
