using System.Buffers.Binary;

namespace SmartCity.Functions.Training;

/// <summary>
/// The embeddings of one step's images, in order, stored as a small binary blob: per image its
/// embedding (none when the image could not be read) and the label the compared version predicted
/// for it (<see cref="NotCompared"/> when it was not asked, <see cref="OtherLabel"/> when that
/// label is not one of the job's).
/// </summary>
public sealed class EmbeddedChunk(IReadOnlyList<float[]?> embeddings, IReadOnlyList<int> compared)
{
    public const int NotCompared = -1;
    public const int OtherLabel = -2;

    public IReadOnlyList<float[]?> Embeddings { get; } = embeddings;

    public IReadOnlyList<int> Compared { get; } = compared;

    public byte[] ToBytes()
    {
        var dimension = Embeddings.FirstOrDefault(e => e is not null)?.Length ?? 0;
        var bytes = new byte[8 + (Embeddings.Count * (8 + (dimension * 4)))];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, Embeddings.Count);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), dimension);
        var offset = 8;
        for (var i = 0; i < Embeddings.Count; i++)
        {
            var embedding = Embeddings[i];
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), embedding is null ? 0 : 1);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset + 4), Compared[i]);
            offset += 8;
            for (var j = 0; j < dimension; j++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset + (j * 4)), embedding?[j] ?? 0f);
            }

            offset += dimension * 4;
        }

        return bytes;
    }

    public static EmbeddedChunk FromBytes(ReadOnlySpan<byte> bytes)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var dimension = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        var embeddings = new float[]?[count];
        var compared = new int[count];
        var offset = 8;
        for (var i = 0; i < count; i++)
        {
            var present = BinaryPrimitives.ReadInt32LittleEndian(bytes[offset..]) == 1;
            compared[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(offset + 4)..]);
            offset += 8;
            if (present)
            {
                var embedding = new float[dimension];
                for (var j = 0; j < dimension; j++)
                {
                    embedding[j] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(offset + (j * 4))..]);
                }

                embeddings[i] = embedding;
            }

            offset += dimension * 4;
        }

        return new EmbeddedChunk(embeddings, compared);
    }
}
