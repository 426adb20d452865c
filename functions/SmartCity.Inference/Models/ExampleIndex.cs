using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace SmartCity.Inference.Models;

/// <summary>
/// The example index of a model version (<c>examples.bin</c>, named by the manifest's
/// <c>examples</c>): the embeddings of (some of) the training images, their labels per head and an
/// opaque id each, for example-based explanations. It holds no pixels: when its metadata says
/// <c>imagesMayBeShown</c>, each example may also carry a reference (a file or blob name) to its image.
/// <para>
/// Layout, little-endian: the 4 bytes <c>SCEX</c>; uint32 format version (1); uint32 count N; uint32
/// dimension D; uint32 length M of the metadata; M bytes of UTF-8 JSON metadata
/// (<see cref="ExampleIndexMetadata"/>: <c>imagesMayBeShown</c>, <c>heads</c> with their labels,
/// <c>examples</c> with <c>id</c>, one label index per head, and <c>image</c> only where shown);
/// then N x D float32, row-major, each row L2-normalised (a row is the embedding
/// <see cref="Runtime.InferenceEngine"/> computes for explanations: the backbone's, or the model's
/// own <c>embedding</c> output).
/// </para>
/// </summary>
public sealed class ExampleIndex
{
    /// <summary>The file name the trainers write.</summary>
    public const string FileName = "examples.bin";

    public const int FormatVersion = 1;

    /// <summary>Most examples an index may hold (200,000 x 512 floats are 400 MB): a file over it is refused.</summary>
    public const int MaxCount = 200_000;

    /// <summary>Largest embedding an index may hold.</summary>
    public const int MaxDimension = 8192;

    private static readonly byte[] Magic = "SCEX"u8.ToArray();
    private const int HeaderLength = 20;

    private readonly float[] _embeddings;
    private readonly int[][] _labels;

    private ExampleIndex(float[] embeddings, int dimension, ExampleIndexMetadata metadata, int[][] labels)
    {
        _embeddings = embeddings;
        _labels = labels;
        Dimension = dimension;
        Metadata = metadata;
        Count = metadata.Examples.Count;
    }

    public int Count { get; }

    public int Dimension { get; }

    public ExampleIndexMetadata Metadata { get; }

    /// <summary>Whether the card allowed the training images to be shown (each example then has an image reference).</summary>
    public bool ImagesMayBeShown => Metadata.ImagesMayBeShown;

    /// <summary>The heads whose labels the index carries, by output name.</summary>
    public IReadOnlyList<ExampleIndexHead> Heads => Metadata.Heads;

    /// <summary>The embedding of example <paramref name="example"/>, L2-normalised.</summary>
    public ReadOnlySpan<float> Embedding(int example) => _embeddings.AsSpan(example * Dimension, Dimension);

    /// <summary>The label index of <paramref name="example"/> under head <paramref name="head"/> (index into <see cref="Heads"/>).</summary>
    public int LabelIndex(int head, int example) => _labels[head][example];

    /// <summary>The head of the index named <paramref name="output"/>, or -1.</summary>
    public int HeadIndex(string output) => Metadata.Heads.FindIndex(h => h.Output == output);

    /// <summary>
    /// The <paramref name="k"/> examples most similar to <paramref name="query"/> (L2-normalised, so
    /// a dot product is the cosine similarity), most similar first; ties go to the lower index.
    /// An exact search: one dot product per example over the contiguous array.
    /// </summary>
    public (int Example, float Similarity)[] Nearest(ReadOnlySpan<float> query, int k)
    {
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"The query has {query.Length} values; the index's embeddings have {Dimension}.", nameof(query));
        }

        k = Math.Min(k, Count);
        if (k <= 0)
        {
            return [];
        }

        var best = new (int Example, float Similarity)[k];
        var filled = 0;
        for (var i = 0; i < Count; i++)
        {
            var similarity = TensorPrimitives.Dot(_embeddings.AsSpan(i * Dimension, Dimension), query);
            if (filled == k && similarity <= best[k - 1].Similarity)
            {
                continue;
            }

            // Insertion into the sorted top k (k is small: at most a few dozen).
            var at = filled < k ? filled++ : k - 1;
            while (at > 0 && best[at - 1].Similarity < similarity)
            {
                best[at] = best[at - 1];
                at--;
            }

            best[at] = (i, similarity);
        }

        return best;
    }

    /// <summary>
    /// An index of <paramref name="embeddings"/> (one row per example, all of one length; each is
    /// L2-normalised here), with one id and, per head, one label index each.
    /// </summary>
    public static ExampleIndex Create(IReadOnlyList<float[]> embeddings, ExampleIndexMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(metadata);
        if (embeddings.Count == 0 || embeddings.Count != metadata.Examples.Count)
        {
            throw new ArgumentException($"{embeddings.Count} embeddings for {metadata.Examples.Count} examples: an index needs one per example, and at least one.", nameof(embeddings));
        }

        var dimension = embeddings[0].Length;
        var values = new float[embeddings.Count * dimension];
        for (var i = 0; i < embeddings.Count; i++)
        {
            if (embeddings[i].Length != dimension)
            {
                throw new ArgumentException($"Embedding {i} has {embeddings[i].Length} values, the first has {dimension}.", nameof(embeddings));
            }

            var row = values.AsSpan(i * dimension, dimension);
            embeddings[i].CopyTo(row);
            Runtime.Postprocessing.L2Normalize(row);
        }

        return Validated(values, embeddings.Count, dimension, metadata);
    }

    /// <summary>Reads an index from its bytes; a malformed one throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static ExampleIndex Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderLength || !bytes[..4].SequenceEqual(Magic))
        {
            throw new FormatException("is not an example index (it does not start with 'SCEX').");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        if (version != FormatVersion)
        {
            throw new FormatException($"has format version {version}; this server reads version {FormatVersion}.");
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        var dimension = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        var metadataLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[16..]);
        if (count is 0 or > MaxCount)
        {
            throw new FormatException($"holds {count} examples; an index holds 1 to {MaxCount}.");
        }

        if (dimension is 0 or > MaxDimension)
        {
            throw new FormatException($"has embeddings of {dimension} values; 1 to {MaxDimension} are allowed.");
        }

        var expected = (long)HeaderLength + metadataLength + ((long)count * dimension * sizeof(float));
        if (bytes.Length != expected)
        {
            throw new FormatException($"is {bytes.Length} bytes; its header ({count} examples of {dimension} values, {metadataLength} bytes of metadata) makes {expected}.");
        }

        ExampleIndexMetadata metadata;
        try
        {
            metadata = JsonSerializer.Deserialize(bytes.Slice(HeaderLength, (int)metadataLength), ExampleIndexJsonContext.Default.ExampleIndexMetadata)
                ?? throw new FormatException("has empty metadata.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"has metadata that is not valid JSON ({ex.Path ?? "$"}).", ex);
        }

        var values = new float[count * dimension];
        var raw = bytes[(HeaderLength + (int)metadataLength)..];
        MemoryMarshal.Cast<byte, float>(raw).CopyTo(values);
        if (!BitConverter.IsLittleEndian)
        {
            var ints = MemoryMarshal.Cast<float, int>(values.AsSpan());
            BinaryPrimitives.ReverseEndianness(ints, ints);
        }

        if (metadata.Examples.Count != count)
        {
            throw new FormatException($"has {metadata.Examples.Count} examples in its metadata but {count} embeddings.");
        }

        for (var i = 0; i < (int)count; i++)
        {
            var row = values.AsSpan(i * (int)dimension, (int)dimension);
            if (!Runtime.TensorShape.AllFinite(row))
            {
                throw new FormatException($"has a value that is not a finite number in embedding {i}.");
            }

            var norm = MathF.Sqrt(TensorPrimitives.Dot(row, row));
            if (MathF.Abs(norm - 1f) > 1e-3f)
            {
                throw new FormatException($"has embedding {i} of length {norm:0.####}; every embedding must be L2-normalised.");
            }
        }

        return Validated(values, (int)count, (int)dimension, metadata);
    }

    /// <summary>The file's bytes, in the layout described on <see cref="ExampleIndex"/>.</summary>
    public byte[] ToBytes()
    {
        var metadata = JsonSerializer.SerializeToUtf8Bytes(Metadata, ExampleIndexJsonContext.Default.ExampleIndexMetadata);
        var bytes = new byte[HeaderLength + metadata.Length + (_embeddings.Length * sizeof(float))];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)Count);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)Dimension);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), (uint)metadata.Length);
        metadata.CopyTo(bytes, HeaderLength);
        var floats = bytes.AsSpan(HeaderLength + metadata.Length);
        for (var i = 0; i < _embeddings.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(floats[(i * sizeof(float))..], _embeddings[i]);
        }

        return bytes;
    }

    private static ExampleIndex Validated(float[] values, int count, int dimension, ExampleIndexMetadata metadata)
    {
        if (metadata.Heads.Count == 0)
        {
            throw new FormatException("names no head: 'heads' must list the outputs whose labels the examples carry.");
        }

        for (var h = 0; h < metadata.Heads.Count; h++)
        {
            var head = metadata.Heads[h];
            if (string.IsNullOrWhiteSpace(head.Output) || head.Labels.Count == 0)
            {
                throw new FormatException($"has head {h} without an output name or labels.");
            }

            if (metadata.Heads.FindIndex(other => other.Output == head.Output) != h)
            {
                throw new FormatException($"names head '{head.Output}' twice.");
            }
        }

        var labels = new int[metadata.Heads.Count][];
        for (var h = 0; h < labels.Length; h++)
        {
            labels[h] = new int[count];
        }

        for (var i = 0; i < count; i++)
        {
            var example = metadata.Examples[i];
            if (string.IsNullOrWhiteSpace(example.Id))
            {
                throw new FormatException($"has example {i} without an id.");
            }

            if (example.Labels.Count != metadata.Heads.Count)
            {
                throw new FormatException($"has example {i} ('{example.Id}') with {example.Labels.Count} labels for {metadata.Heads.Count} heads.");
            }

            if (example.Image is not null && !metadata.ImagesMayBeShown)
            {
                throw new FormatException($"has an image reference for example {i} ('{example.Id}') although images may not be shown.");
            }

            for (var h = 0; h < labels.Length; h++)
            {
                var label = example.Labels[h];
                if (label < 0 || label >= metadata.Heads[h].Labels.Count)
                {
                    throw new FormatException($"has example {i} ('{example.Id}') with label {label} of head '{metadata.Heads[h].Output}', which has {metadata.Heads[h].Labels.Count} labels.");
                }

                labels[h][i] = label;
            }
        }

        return new ExampleIndex(values, dimension, metadata, labels);
    }

    /// <summary>A short description for messages: count, dimension, heads.</summary>
    public override string ToString() =>
        new StringBuilder().Append(Count).Append(" examples of ").Append(Dimension).Append(" values, heads ")
            .AppendJoin(", ", Metadata.Heads.Select(h => h.Output)).ToString();
}

/// <summary>The JSON metadata inside an example index.</summary>
public sealed class ExampleIndexMetadata
{
    /// <summary>Whether the model card allows the training images to be shown (default no).</summary>
    public bool ImagesMayBeShown { get; set; }

    /// <summary>Where the examples come from (a data set and its credit), for people.</summary>
    public string? Source { get; set; }

    /// <summary>The heads whose labels each example carries, in the order of <see cref="ExampleEntry.Labels"/>.</summary>
    public List<ExampleIndexHead> Heads { get; set; } = [];

    public List<ExampleEntry> Examples { get; set; } = [];
}

/// <summary>A head of an example index: its output name and its labels, as the model's.</summary>
public sealed class ExampleIndexHead
{
    public string? Output { get; set; }

    public List<string> Labels { get; set; } = [];
}

/// <summary>One training example: an opaque id, its label per head, and (only when images may be shown) a reference to its image.</summary>
public sealed class ExampleEntry
{
    public string? Id { get; set; }

    public List<int> Labels { get; set; } = [];

    /// <summary>The image's file or blob name, only when the index's images may be shown; never pixels.</summary>
    public string? Image { get; set; }
}
