namespace SmartCity.Training.Tests;

public class FixtureModelTests
{
    [Fact]
    public void Fixture_models_match_their_generator()
    {
        var source = Path.Combine(TestPaths.RepositoryRoot, "tests", "SmartCity.Inference.Tests", "Fixtures", "models");
        var regenerate = Environment.GetEnvironmentVariable("REGENERATE_FIXTURES") == "1";
        foreach (var (relative, bytes) in FixtureModels.Build())
        {
            var path = Path.Combine(source, relative);
            if (regenerate)
            {
                File.WriteAllBytes(path, bytes);
            }

            Assert.True(File.Exists(path), $"{relative} is missing; run the tests with REGENERATE_FIXTURES=1");
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{relative} differs from FixtureModels.cs; run the tests with REGENERATE_FIXTURES=1");
        }
    }
}
