namespace SmartCity.Cli.Tests.Training;

/// <summary>
/// The bundled heads' cards are what <c>write-card</c> makes of their TRAINING.md: regenerating
/// them gives the committed files byte for byte, so a card cannot drift from its training report.
/// The card's <c>examples</c> section is write-examples' (TRAINING.md does not describe the index):
/// write-card keeps it from the card already in the folder.
/// </summary>
public sealed class WriteCardCommandTests : IDisposable
{
    private readonly SharedData _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData("vehicle-type", "2026-11-28T14:02:14Z", "logits held-out accuracy 94.44 % on 720 images")]
    [InlineData("traffic-scene", "2026-11-28T14:19:22Z", "congestion held-out accuracy 64.02 % on 214 images")]
    public async Task The_committed_card_is_the_one_write_card_makes_from_TRAINING_md(string model, string trainedAt, string summary)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_scratch.Folder, model, "1")).FullName;
        File.Copy(Path.Combine(TestPaths.RepositoryRoot, "models", model, "1", "TRAINING.md"), Path.Combine(folder, "TRAINING.md"));
        // A card holding nothing but the examples section: everything else must come from TRAINING.md.
        var committed = SmartCity.Training.Cards.ModelCard.FromJson(File.ReadAllBytes(Path.Combine(TestPaths.RepositoryRoot, "models", model, "1", "card.json")));
        Assert.NotNull(committed.Examples);
        File.WriteAllBytes(Path.Combine(folder, "card.json"), new SmartCity.Training.Cards.ModelCard { Examples = committed.Examples }.ToJson());

        var result = await SmartCityRunner.RunAsync("write-card", folder, "--trained-at", trainedAt, "--models", TestPaths.Models);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(summary, result.Output, StringComparison.Ordinal);
        Assert.Equal(
            File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "models", model, "1", "card.json")),
            File.ReadAllText(Path.Combine(folder, "card.json")));
    }

    [Fact]
    public async Task A_folder_without_a_training_report_is_a_usage_error()
    {
        var result = await SmartCityRunner.RunAsync("write-card", _scratch.Folder, "--trained-at", "2026-01-01T00:00:00Z");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("TRAINING.md' does not exist", result.Error, StringComparison.Ordinal);
    }
}
