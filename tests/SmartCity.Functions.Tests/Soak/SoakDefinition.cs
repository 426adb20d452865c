using SmartCity.Cameras.Tests.Storage;

namespace SmartCity.Functions.Tests.Soak;

/// <summary>
/// The soak test runs alone, after the parallel collections, so its managed-memory figures and
/// its load are its own: its own Azurite fixture (and engine), no other test beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakDefinition : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Soak";
}
