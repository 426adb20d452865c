namespace SmartCity.Inference.Tests.Imaging;

/// <summary>Runs alone: other tests allocating in parallel would blur the measurement.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;
