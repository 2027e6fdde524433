using System.Text.Json;

namespace Rgsud.Cli.Reports;

/// <summary>Reads a run's <c>log.jsonl</c> (written by <c>Rgsud.Strategy.TrainingLog</c>); a torn last line is ignored.</summary>
internal static class TrainingLogReader
{
    /// <summary>The entries of <paramref name="path"/>, in file order; empty when the file does not exist.</summary>
    /// <exception cref="RgsudFileException">The file cannot be read.</exception>
    public static IReadOnlyList<TrainingLogEntry> Read(string path)
    {
        if (!File.Exists(path)) return [];
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RgsudFileException(path, $"cannot read the training log: {e.Message}", e);
        }
        var entries = new List<TrainingLogEntry>(lines.Length);
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                entries.Add(Parse(doc.RootElement));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                // A line cut short by a crash; the rest of the log is still worth reporting.
            }
        }
        return entries;
    }

    private static TrainingLogEntry Parse(JsonElement e)
    {
        long step = e.GetProperty("step").GetInt64();
        int stage = e.TryGetProperty("stage", out var s) ? s.GetInt32() : 1;
        bool pass = e.TryGetProperty("event", out var ev) && ev.ValueKind == JsonValueKind.String && ev.GetString() == "pass";
        var losses = new Dictionary<string, double>(StringComparer.Ordinal);
        if (e.TryGetProperty("losses", out var l) && l.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in l.EnumerateObject())
                losses[p.Name] = p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : double.NaN;
        }
        int? filled = null, accepted = null;
        double? mean = null, meanInput = null;
        if (e.TryGetProperty("bank", out var b) && b.ValueKind == JsonValueKind.Object)
        {
            filled = Int(b, "filled");
            accepted = Int(b, "accepted");
            mean = Number(b, "meanScore");
            meanInput = Number(b, "meanInputScore");
        }
        return new TrainingLogEntry(step, stage, pass, losses, filled, mean, meanInput, accepted, Int(e, "offered"), Number(e, "seconds"));
    }

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN : null;
}
