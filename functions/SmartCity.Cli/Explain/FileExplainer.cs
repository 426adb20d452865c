using System.Globalization;
using SmartCity.Inference;

namespace SmartCity.Cli.Explain;

/// <summary>Explains image files one by one and writes each map's overlay PNG; prints a line per map.</summary>
internal static class FileExplainer
{
    public static async Task<int> RunAsync(ExplainSettings settings, CommandConsole console, CancellationToken cancellationToken)
    {
        var files = ImageInputs.Expand(settings.Inputs, out _);
        await using var engine = settings.Engine.CreateEngine();
        var model = engine.Repository.Get(settings.Model, settings.Version);
        Directory.CreateDirectory(settings.Out);
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
                var explanation = await engine.ExplainAsync(model, bytes, settings.Grid, 3, 0f, cancellationToken);
                foreach (var map in explanation.Maps)
                {
                    var path = Path.Combine(settings.Out, $"{Path.GetFileNameWithoutExtension(file)}.{model.Name}.{map.Head}.png");
                    await File.WriteAllBytesAsync(path, map.Png, cancellationToken);
                    var top = string.Join(" ", map.Ranking().Take(3).Select(c => string.Create(CultureInfo.InvariantCulture, $"r{c / explanation.Columns}c{c % explanation.Columns}:{map.Scores[c]:F3}")));
                    await console.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{Path.GetFileName(file)}\t{map.Head}\t{map.Label} {map.Probability:F3}\ttop cells {top}\t{explanation.BackbonePasses} backbone images, {explanation.ElapsedMs:F0} ms\t{path}"));
                }
            }
            catch (InferenceException ex)
            {
                failed++;
                await console.Error.WriteLineAsync($"{file}: {ex.Message}");
            }
        }

        return failed > 0 ? ExitCodes.SomeItemsFailed : ExitCodes.Success;
    }
}
