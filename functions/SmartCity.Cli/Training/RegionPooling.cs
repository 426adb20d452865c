namespace SmartCity.Cli.Training;

/// <summary>How the region embeddings of a frame become one feature vector.</summary>
internal enum RegionPooling
{
    /// <summary>Their mean, L2-normalised.</summary>
    Mean,

    /// <summary>The normalised mean followed by the normalised element-wise maximum.</summary>
    MeanMax,
}
