namespace SmartCity.Infra.Tests;

[CollectionDefinition(Name)]
public sealed class CompiledTemplatesDefinition : ICollectionFixture<CompiledTemplates>
{
    public const string Name = "Compiled Bicep templates";
}
