using System.Globalization;
using System.Text.Json;
using System.Text;
using Rgsud.Abstractions;
using Rgsud.IO;

namespace Rgsud.Strategy;

/// <summary>
/// <c>log.jsonl</c>: one JSON object per logged step — <c>step</c>, <c>stage</c>, <c>losses</c> {name: value},
/// <c>bank</c> {<c>filled</c>, <c>meanScore</c>, <c>accepted</c>} — and one per recycling pass (<c>event</c>:
/// "pass"), plus event lines (<c>event</c>: "start" — with the checkpoint resumed from, unusable checkpoints met,
/// skipped input files and the numerics self-check —, "skipped-update" and "stopped"). Each line is flushed as written; on resume, lines past the checkpoint's step are dropped.
/// </summary>
public sealed class TrainingLog : IDisposable
{
    private readonly StreamWriter writer;

    /// <summary>Opens (or creates) the log; with <paramref name="resumeStep"/> keeps only lines with <c>step</c> ≤ it.</summary>
    public TrainingLog(string path, long? resumeStep)
    {
        ArgumentNullException.ThrowIfNull(path);
        FilePath = path;
        if (resumeStep is { } keepUpTo && File.Exists(path))
        {
            var kept = File.ReadLines(path).Where(line => StepOf(line) is { } s && s <= keepUpTo).ToList();
            AtomicFile.WriteAllLines(path, kept);
        }
        else if (File.Exists(path))
        {
            File.Delete(path);
        }
        writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    }

    /// <summary>The log file.</summary>
    public string FilePath { get; }

    /// <summary>Appends a step line.</summary>
    public void WriteStep(long step, int stage, IReadOnlyDictionary<string, double> losses, RewardBankStatistics? bank)
    {
        var sb = new StringBuilder();
        sb.Append("{\"step\":").Append(step.ToString(CultureInfo.InvariantCulture))
          .Append(",\"stage\":").Append(stage.ToString(CultureInfo.InvariantCulture))
          .Append(",\"losses\":{");
        bool first = true;
        foreach (var (name, value) in losses)
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append(JsonSerializer.Serialize(name)).Append(':').Append(Number(value));
        }
        sb.Append('}');
        AppendBank(sb, bank);
        sb.Append('}');
        WriteLine(sb.ToString());
    }

    /// <summary>Appends a recycling-pass line.</summary>
    public void WritePass(long step, int stage, RecyclingPassResult pass, RewardBankStatistics bank)
    {
        ArgumentNullException.ThrowIfNull(pass);
        var sb = new StringBuilder();
        sb.Append("{\"step\":").Append(step.ToString(CultureInfo.InvariantCulture))
          .Append(",\"stage\":").Append(stage.ToString(CultureInfo.InvariantCulture))
          .Append(",\"event\":\"pass\",\"offered\":").Append(pass.Offered.ToString(CultureInfo.InvariantCulture))
          .Append(",\"seconds\":").Append(Number(pass.Elapsed.TotalSeconds))
          .Append(",\"meanCandidateScore\":").Append(Number(pass.MeanCandidateScore))
          .Append(",\"improved\":").Append(pass.Improved.ToString(CultureInfo.InvariantCulture));
        AppendBank(sb, bank);
        sb.Append('}');
        WriteLine(sb.ToString());
    }

    /// <summary>
    /// Appends an event line: <c>{"step":N,"event":name, ...fields}</c>. Field values may be strings, numbers,
    /// booleans, null or lists of strings (anything else is written as its invariant string).
    /// </summary>
    public void WriteEvent(long step, string name, IReadOnlyDictionary<string, object?>? fields = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("step", step);
            json.WriteString("event", name);
            foreach (var (key, value) in fields ?? new Dictionary<string, object?>())
            {
                json.WritePropertyName(key);
                switch (value)
                {
                    case null: json.WriteNullValue(); break;
                    case string text: json.WriteStringValue(text); break;
                    case bool flag: json.WriteBooleanValue(flag); break;
                    case int i: json.WriteNumberValue(i); break;
                    case long l: json.WriteNumberValue(l); break;
                    case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
                    case double: json.WriteNullValue(); break;
                    case IEnumerable<string> list:
                        json.WriteStartArray();
                        foreach (var item in list) json.WriteStringValue(item);
                        json.WriteEndArray();
                        break;
                    default: json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                }
            }
            json.WriteEndObject();
        }
        WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();

    private static void AppendBank(StringBuilder sb, RewardBankStatistics? bank)
    {
        if (bank is null) return;
        sb.Append(",\"bank\":{\"filled\":").Append(bank.Filled.ToString(CultureInfo.InvariantCulture))
          .Append(",\"meanScore\":").Append(Number(bank.MeanScore))
          .Append(",\"accepted\":").Append(bank.AcceptedInLastPass.ToString(CultureInfo.InvariantCulture))
          .Append(",\"meanInputScore\":").Append(Number(bank.MeanInputScore)).Append('}');
    }

    private void WriteLine(string line)
    {
        writer.WriteLine(line);
        writer.Flush();
    }

    private static string Number(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "null";

    private static long? StepOf(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("step", out var s) && s.TryGetInt64(out var v) ? v : null;
        }
        catch (JsonException)
        {
            return null; // a torn last line from a crash
        }
    }
}
