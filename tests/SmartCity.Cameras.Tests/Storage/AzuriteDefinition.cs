namespace SmartCity.Cameras.Tests.Storage;

[CollectionDefinition(Name)]
public sealed class AzuriteDefinition : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
