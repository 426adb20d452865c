using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SmartCity.Inference;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cli;

/// <summary><c>classify</c>: one row per image, then a summary.</summary>
internal static class ClassifyCommand
{
    private sealed record Row(string File, Prediction? Prediction, string? Error, double Milliseconds);

    public static async Task<int> RunAsync(Arguments arguments)
    {
        if (arguments.Positional.Count == 0)
        {
            throw new ArgumentException("classify needs at least one file or folder.");
        }

        var files = EngineFactory.ExpandInputs(arguments.Positional, out var sawFolder);
        var top = arguments.GetInt("top", 3);
        await using var engine = EngineFactory.Create(arguments);
        var model = engine.Repository.Get(arguments.Get("model", "vehicle-type"), arguments.Named.GetValueOrDefault("version"));
        await engine.WarmUpAsync(model);

        var rows = new Row[files.Count];
        using var progress = sawFolder && !Console.IsErrorRedirected ? new ProgressBar(files.Count) : null;
        var started = Stopwatch.GetTimestamp();
        // Enough callers in flight for the dynamic batcher to form full batches.
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var itemStarted = Stopwatch.GetTimestamp();
            try
            {
                var bytes = await File.ReadAllBytesAsync(files[i], ct);
                var prediction = await engine.PredictAsync(model, bytes, top, 0f, ct);
                rows[i] = new Row(files[i], prediction, null, Stopwatch.GetElapsedTime(itemStarted).TotalMilliseconds);
            }
            catch (InferenceException ex)
            {
                rows[i] = new Row(files[i], null, ex.Message, Stopwatch.GetElapsedTime(itemStarted).TotalMilliseconds);
            }

            progress?.Advance();
        });
        var elapsed = Stopwatch.GetElapsedTime(started);
        progress?.Dispose();

        var failed = rows.Count(r => r.Error is not null);
        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        var rate = files.Count / Math.Max(elapsed.TotalSeconds, 1e-9);
        if (arguments.Has("json"))
        {
            WriteJson(model.Id, rows, rate, peakMb);
        }
        else
        {
            foreach (var row in rows)
            {
                var answer = row.Prediction is { } p ? Describe(p) : $"error: {row.Error}";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{row.File}\t{answer}\t{row.Milliseconds:0.0} ms"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{files.Count} images ({failed} failed) with {model.Id} in {elapsed.TotalSeconds:0.00} s: {rate:0.0} images/s, peak working set {peakMb:0} MB"));
        }

        return failed > 0 ? 2 : 0;
    }

    /// <summary>Top labels per head ("congestion: heavy 0.71 | lighting: night 0.98"), or the embedding size.</summary>
    private static string Describe(Prediction prediction)
    {
        var heads = prediction.Heads.Where(h => h.Predictions.Count > 0).ToList();
        if (heads.Count == 0)
        {
            return $"embedding[{prediction.Scores.Length}]";
        }

        string Labels(HeadPrediction head) => string.Join("  ", head.Predictions.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Label} {l.Probability:0.000}")));
        return heads.Count == 1 ? Labels(heads[0]) : string.Join(" | ", heads.Select(h => $"{h.Name}: {Labels(h)}"));
    }

    private static void WriteJson(string model, Row[] rows, double rate, double peakMb)
    {
        using var stdout = Console.OpenStandardOutput();
        using var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("model", model);
        json.WriteStartArray("images");
        foreach (var row in rows)
        {
            json.WriteStartObject();
            json.WriteString("file", row.File);
            if (row.Prediction is { } p)
            {
                json.WriteNumber("width", p.Width);
                json.WriteNumber("height", p.Height);
                foreach (var head in p.Heads.Where(h => h.Predictions.Count > 0))
                {
                    json.WriteStartArray(head == p.Heads[0] ? "predictions" : head.Name);
                    foreach (var label in head.Predictions)
                    {
                        json.WriteStartObject();
                        json.WriteString("label", label.Label);
                        json.WriteNumber("probability", Math.Round(label.Probability, 6));
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }
            }
            else
            {
                json.WriteString("error", row.Error);
            }

            json.WriteNumber("ms", Math.Round(row.Milliseconds, 2));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("imagesPerSecond", Math.Round(rate, 2));
        json.WriteNumber("peakWorkingSetMb", Math.Round(peakMb, 1));
        json.WriteEndObject();
        json.Flush();
        stdout.WriteByte((byte)'\n');
    }
}

/// <summary>A one-line progress bar on standard error.</summary>
internal sealed class ProgressBar(int total) : IDisposable
{
    private readonly Lock _gate = new();
    private int _last = -1;

    private int _done;

    /// <summary>One more image is done. The count is taken under the lock, so the bar never goes back.</summary>
    public void Advance()
    {
        lock (_gate)
        {
            var done = ++_done;
            var percent = done * 100 / Math.Max(total, 1);
            if (percent == _last)
            {
                return;
            }

            _last = percent;
            var filled = percent * 30 / 100;
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {done}/{total}");
        }
    }

    public void Dispose() => Console.Error.WriteLine();
}
