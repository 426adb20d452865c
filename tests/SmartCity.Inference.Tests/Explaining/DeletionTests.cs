using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;
using Xunit.Abstractions;

namespace SmartCity.Inference.Tests.Explaining;

/// <summary>
/// Faithfulness of the maps (the deletion test): masking the cells a map ranks highest must lower
/// the explained label's probability more than masking as many random cells, for most real
/// images. Runs on the committed samples, plus a spread of ../shared/data when present.
/// </summary>
public sealed class DeletionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Grid = 6;
    private const int Deleted = 6; // of 36 cells
    private const int RandomDraws = 4;
    private InferenceEngine _engine = null!;

    public Task InitializeAsync()
    {
        var options = new InferenceOptions { ModelsPath = TestPaths.Models, MaxBatchSize = 16, ExplainGrid = Grid };
        _engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static List<string> Images(string folder, int sharedCount)
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.Samples, folder), "*.jpg").Order(StringComparer.Ordinal).ToList();
        var shared = TestPaths.SharedData is { } data && Directory.Exists(Path.Combine(data, folder))
            ? Directory.EnumerateFiles(Path.Combine(data, folder), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [];
        if (shared.Count > 0)
        {
            // An even spread over the set (cameras, times of day), not its first files.
            var step = Math.Max(1, shared.Count / sharedCount);
            files.AddRange(shared.Where((_, i) => i % step == 0).Take(sharedCount).Where(f => !files.Any(c => Path.GetFileName(c) == Path.GetFileName(f))));
        }

        return files;
    }

    [Fact]
    public async Task Masking_the_top_ranked_cells_lowers_the_vehicle_type_more_than_random_cells()
    {
        var (wins, total) = await DeletionAsync("vehicle-type", Images("vehicles", 12), heads: 1);
        Assert.True(wins[0] * 4 >= total * 3, $"top cells beat random cells on {wins[0]} of {total} crops");
    }

    [Fact]
    public async Task Masking_the_top_ranked_cells_lowers_the_traffic_scene_heads_more_than_random_cells()
    {
        var (wins, total) = await DeletionAsync("traffic-scene", Images("traffic-cameras", 5), heads: 2);
        Assert.True(wins[0] * 3 >= total * 2, $"congestion: top cells beat random cells on {wins[0]} of {total} frames");
        Assert.True(wins[1] * 3 >= total * 2, $"lighting: top cells beat random cells on {wins[1]} of {total} frames");
    }

    private async Task<(int[] Wins, int Total)> DeletionAsync(string modelName, List<string> files, int heads)
    {
        var model = _engine.Repository.Get(modelName);
        var random = new Random(14);
        var wins = new int[heads];
        var topDrops = new double[heads];
        var randomDrops = new double[heads];
        foreach (var file in files)
        {
            var image = await File.ReadAllBytesAsync(file);
            var explanation = await _engine.ExplainAsync(model, image, Grid);
            for (var h = 0; h < heads; h++)
            {
                var map = explanation.Maps[h];
                var headIndex = model.Heads.Select((s, i) => (s, i)).First(x => explanation.Prediction.Heads[x.i].Name == map.Head).i;
                var label = explanation.Prediction.Heads[headIndex].Labels.ToList().IndexOf(map.Label);
                var masks = new List<bool[]> { Mask(map.Ranking().Take(Deleted)) };
                for (var d = 0; d < RandomDraws; d++)
                {
                    masks.Add(Mask(Enumerable.Range(0, Grid * Grid).OrderBy(_ => random.Next()).Take(Deleted)));
                }

                var run = await _engine.RunMaskedAsync(model, image, Grid, Grid, masks);
                var top = map.Probability - run.Outputs[0][headIndex][label];
                var randomMean = Enumerable.Range(1, RandomDraws).Average(m => map.Probability - run.Outputs[m][headIndex][label]);
                topDrops[h] += top;
                randomDrops[h] += randomMean;
                if (top > randomMean)
                {
                    wins[h]++;
                }

                output.WriteLine($"{modelName} {map.Head} {Path.GetFileName(file)}: {map.Label} p={map.Probability:F3}, drop top-{Deleted} {top:F3}, random {randomMean:F3}");
            }
        }

        for (var h = 0; h < heads; h++)
        {
            output.WriteLine($"{modelName} head {h}: top cells beat random on {wins[h]}/{files.Count}; mean drop {topDrops[h] / files.Count:F3} vs {randomDrops[h] / files.Count:F3}");
        }

        return (wins, files.Count);
    }

    private static bool[] Mask(IEnumerable<int> cells)
    {
        var mask = new bool[Grid * Grid];
        foreach (var c in cells)
        {
            mask[c] = true;
        }

        return mask;
    }
}
