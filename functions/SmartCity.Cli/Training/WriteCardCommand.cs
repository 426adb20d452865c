using System.CommandLine;
using System.Globalization;
using SmartCity.Inference.Models;
using SmartCity.Training.Cards;

namespace SmartCity.Cli.Training;

/// <summary>
/// <c>write-card &lt;version folder&gt; --trained-at &lt;time&gt;</c>: writes the version's <c>card.json</c>
/// from the figures of its <c>TRAINING.md</c> (how the bundled heads got theirs, without training again).
/// </summary>
internal sealed class WriteCardCommand : Command
{
    private readonly Argument<string> _folder = new("folder") { Description = "A model version folder with a TRAINING.md written by train-vehicle-type or train-traffic-scene (e.g. models/vehicle-type/1)." };

    private readonly Option<DateTimeOffset> _trainedAt = new("--trained-at") { Description = "When the version was trained (ISO 8601).", Required = true };

    private readonly EngineOptions _engine = new();

    public WriteCardCommand(CommandConsole console)
        : base("write-card", "Write a model version's card.json from the figures of its TRAINING.md.")
    {
        Add(_folder);
        Add(_trainedAt);
        _engine.AddTo(this);
        SetAction((parse, cancellationToken) => RunAsync(parse.GetRequiredValue(_folder), parse.GetValue(_trainedAt), _engine.Bind(parse), console, cancellationToken));
    }

    private static async Task<int> RunAsync(string folder, DateTimeOffset trainedAt, EngineSettings engine, CommandConsole console, CancellationToken cancellationToken)
    {
        var report = Path.Combine(folder, "TRAINING.md");
        if (!File.Exists(report))
        {
            throw new UsageException($"'{report}' does not exist.");
        }

        var model = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)))!;
        var repository = new ModelRepository(engine.ModelsPath ?? Path.Combine(AppContext.BaseDirectory, "models"));
        var card = TrainingReportCards.FromReport(model, await File.ReadAllTextAsync(report, cancellationToken), repository.Get("resnet18-embedding", "1"), trainedAt.ToUniversalTime());
        // The example index is not described by TRAINING.md: its account (written by write-examples) is kept.
        card.Examples = ModelCard.TryRead(folder)?.Examples;
        var target = Path.Combine(folder, ModelCard.FileName);
        await File.WriteAllBytesAsync(target, [.. card.ToJson(), (byte)'\n'], cancellationToken);
        await console.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Wrote {target}: {card.Primary?.Output} held-out accuracy {card.Primary?.HeldOut?.Accuracy:P2} on {card.Primary?.HeldOut?.Images} images"));
        return ExitCodes.Success;
    }
}
