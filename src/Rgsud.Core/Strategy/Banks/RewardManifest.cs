using System.Globalization;
using System.Text.Json;
using Rgsud.Abstractions;

namespace Rgsud.Strategy.Banks;

/// <summary>
/// A bank's manifest.json:
/// <c>{"format":"rgsud-reward-bank","version":1,"direction":"HigherIsBetter"|"LowerIsBetter","scorer":"niqe",
/// "coldStartGuard":true,"entries":[{"id","score","inputScore","step","width","height","file","sha256"}]}</c>.
/// Numbers are written in the shortest form that parses back to the same double; a non-finite input score is
/// written as the string "NaN", "Infinity" or "-Infinity". Reading is strict: unknown or repeated properties,
/// wrong types, invalid ids or file names, and inconsistent entries are all refused.
/// </summary>
internal sealed class RewardManifest
{
    /// <summary>The value of "format".</summary>
    public const string Format = "rgsud-reward-bank";

    /// <summary>The value of "version".</summary>
    public const int Version = 1;

    /// <summary>The largest manifest read.</summary>
    private const long MaxBytes = 256L << 20;

    private static readonly string[] TopLevel = ["format", "version", "direction", "scorer", "coldStartGuard", "entries"];
    private static readonly string[] EntryFields = ["id", "score", "inputScore", "step", "width", "height", "file", "sha256"];

    public RewardManifest(ScoreDirection direction, string? scorer, bool coldStartGuard, IReadOnlyList<RewardManifestEntry> entries)
    {
        Direction = direction;
        Scorer = scorer;
        ColdStartGuard = coldStartGuard;
        Entries = entries;
    }

    /// <summary>The direction the scores were taken in.</summary>
    public ScoreDirection Direction { get; }

    /// <summary>The scorer's name, when recorded.</summary>
    public string? Scorer { get; }

    /// <summary>The saving bank's cold-start guard (informative; the loading bank keeps its own).</summary>
    public bool ColdStartGuard { get; }

    /// <summary>The slots.</summary>
    public IReadOnlyList<RewardManifestEntry> Entries { get; }

    /// <summary>The manifest as UTF-8 JSON (indented).</summary>
    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("version", Version);
            w.WriteString("direction", Direction.ToString());
            if (Scorer is not null) w.WriteString("scorer", Scorer);
            w.WriteBoolean("coldStartGuard", ColdStartGuard);
            w.WriteStartArray("entries");
            foreach (var e in Entries)
            {
                w.WriteStartObject();
                w.WriteString("id", e.Id);
                WriteNullable(w, "score", e.Score);
                if (e.InputScore is not { } input) w.WriteNull("inputScore");
                else if (double.IsFinite(input)) w.WriteNumber("inputScore", input);
                else w.WriteString("inputScore", double.IsNaN(input) ? "NaN" : input > 0 ? "Infinity" : "-Infinity");
                if (e.Step is { } step) w.WriteNumber("step", step);
                else w.WriteNull("step");
                w.WriteNumber("width", e.Width);
                w.WriteNumber("height", e.Height);
                if (e.File is null) w.WriteNull("file");
                else w.WriteString("file", e.File);
                if (e.Sha256 is null) w.WriteNull("sha256");
                else w.WriteString("sha256", e.Sha256);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>Reads and validates <c>&lt;bankDirectory&gt;/manifest.json</c>.</summary>
    public static RewardManifest Read(string bankDirectory)
    {
        string path = BankDirectory.ManifestPath(bankDirectory);
        var bytes = BankDirectory.ReadFile(path, MaxBytes, "manifest.json not found (not a reward bank directory)");
        return Parse(bytes, path);
    }

    /// <summary>Throws unless a bank with <paramref name="direction"/> and <paramref name="scorer"/> may load this manifest.</summary>
    public void EnsureCompatible(string manifestPath, ScoreDirection direction, string? scorer)
    {
        if (Direction != direction)
        {
            throw new RgsudFileException(manifestPath,
                $"the bank was saved with direction {Direction}, but this bank's direction is {direction}; its scores cannot be compared");
        }

        if (Scorer is not null && scorer is not null && !string.Equals(Scorer, scorer, StringComparison.Ordinal))
        {
            throw new RgsudFileException(manifestPath,
                $"the bank was saved with scorer '{Scorer}', but this bank's ScorerName is '{scorer}'; its scores cannot be compared");
        }
    }

    /// <summary>Parses and validates manifest bytes; <paramref name="path"/> is named in errors.</summary>
    public static RewardManifest Parse(byte[] json, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new RgsudFileException(path, $"not valid JSON (truncated or corrupt): {e.Message}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad(path, "the manifest must be a JSON object");
            var props = Properties(root, path, "the manifest", TopLevel);

            if (!props.TryGetValue("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
            {
                throw Bad(path, $"not a reward bank manifest (\"format\" must be \"{Format}\")");
            }

            if (!props.TryGetValue("version", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out int v) || v != Version)
            {
                string got = props.TryGetValue("version", out var g) ? g.GetRawText() : "missing";
                throw Bad(path, $"unsupported reward bank version {got} (this build reads version {Version})");
            }

            if (!props.TryGetValue("direction", out var dir) || dir.ValueKind != JsonValueKind.String)
            {
                throw Bad(path, "\"direction\" must be \"HigherIsBetter\" or \"LowerIsBetter\"");
            }

            var direction = dir.GetString() switch
            {
                nameof(ScoreDirection.HigherIsBetter) => ScoreDirection.HigherIsBetter,
                nameof(ScoreDirection.LowerIsBetter) => ScoreDirection.LowerIsBetter,
                var other => throw Bad(path, $"\"direction\" must be \"HigherIsBetter\" or \"LowerIsBetter\", not \"{other}\""),
            };

            string? scorer = null;
            if (props.TryGetValue("scorer", out var sc))
            {
                if (sc.ValueKind == JsonValueKind.String) scorer = sc.GetString();
                else if (sc.ValueKind != JsonValueKind.Null) throw Bad(path, "\"scorer\" must be a string or null");
            }

            if (!props.TryGetValue("coldStartGuard", out var guard) || guard.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw Bad(path, "\"coldStartGuard\" must be true or false");
            }

            if (!props.TryGetValue("entries", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                throw Bad(path, "\"entries\" must be an array");
            }

            var list = new List<RewardManifestEntry>(entries.GetArrayLength());
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var files = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            int index = 0;
            foreach (var item in entries.EnumerateArray())
            {
                var entry = ParseEntry(item, path, index);
                if (!ids.Add(entry.Id)) throw Bad(path, $"entry {index}: id {RewardIds.Describe(entry.Id)} appears more than once");
                if (entry.File is not null && !files.Add(entry.File))
                {
                    throw Bad(path, $"entry {index}: file '{entry.File}' is used by more than one entry");
                }

                list.Add(entry);
                index++;
            }

            return new RewardManifest(direction, scorer, guard.GetBoolean(), list);
        }
    }

    private static RewardManifestEntry ParseEntry(JsonElement item, string path, int index)
    {
        string where = string.Create(CultureInfo.InvariantCulture, $"entry {index}");
        if (item.ValueKind != JsonValueKind.Object) throw Bad(path, $"{where}: must be an object");
        var p = Properties(item, path, where, EntryFields);

        if (!p.TryGetValue("id", out var idElement) || idElement.ValueKind != JsonValueKind.String)
        {
            throw Bad(path, $"{where}: \"id\" must be a string");
        }

        string id = idElement.GetString()!;
        if (RewardIds.Problem(id) is { } idProblem) throw Bad(path, $"{where}: invalid id {RewardIds.Describe(id)}: {idProblem}");
        where += $" (id {RewardIds.Describe(id)})";

        double? score = null;
        if (p.TryGetValue("score", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetDouble(out double d) || !double.IsFinite(d))
            {
                throw Bad(path, $"{where}: \"score\" must be a finite number or null");
            }

            score = d;
        }

        double? input = null;
        if (p.TryGetValue("inputScore", out var i) && i.ValueKind != JsonValueKind.Null)
        {
            input = i.ValueKind switch
            {
                JsonValueKind.Number when i.TryGetDouble(out double d) && double.IsFinite(d) => d,
                JsonValueKind.String => i.GetString() switch
                {
                    "NaN" => double.NaN,
                    "Infinity" => double.PositiveInfinity,
                    "-Infinity" => double.NegativeInfinity,
                    _ => throw Bad(path, $"{where}: \"inputScore\" must be a number, \"NaN\", \"Infinity\", \"-Infinity\" or null"),
                },
                _ => throw Bad(path, $"{where}: \"inputScore\" must be a number, \"NaN\", \"Infinity\", \"-Infinity\" or null"),
            };
        }

        long? step = null;
        if (p.TryGetValue("step", out var st) && st.ValueKind != JsonValueKind.Null)
        {
            if (st.ValueKind != JsonValueKind.Number || !st.TryGetInt64(out long l)) throw Bad(path, $"{where}: \"step\" must be an integer or null");
            step = l;
        }

        int width = Int(p, "width", path, where), height = Int(p, "height", path, where);
        string? file = NullableString(p, "file", path, where);
        string? sha = NullableString(p, "sha256", path, where);

        if (score is null)
        {
            if (step is not null || file is not null || sha is not null || width != 0 || height != 0)
            {
                throw Bad(path, $"{where}: an entry without a score must have null step, file and sha256 and zero width and height");
            }
        }
        else
        {
            if (step is null || file is null || sha is null) throw Bad(path, $"{where}: an entry with a score needs step, file and sha256");
            if (width <= 0 || height <= 0 || (long)width * height > RewardPixels.MaxPixels)
            {
                throw Bad(path, string.Create(CultureInfo.InvariantCulture,
                    $"{where}: invalid reward size {width}x{height} (at most {RewardPixels.MaxPixels} pixels)"));
            }

            if (RewardIds.FileNameProblem(file) is { } fileProblem) throw Bad(path, $"{where}: invalid file '{file}': {fileProblem}");
            if (!RewardPng.IsSha256Hex(sha)) throw Bad(path, $"{where}: \"sha256\" must be 64 lower-case hex digits");
        }

        return new RewardManifestEntry(id, score, input, step, width, height, file, sha);
    }

    private static Dictionary<string, JsonElement> Properties(JsonElement obj, string path, string where, string[] allowed)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var prop in obj.EnumerateObject())
        {
            if (Array.IndexOf(allowed, prop.Name) < 0) throw Bad(path, $"{where}: unknown property \"{prop.Name}\"");
            if (!map.TryAdd(prop.Name, prop.Value)) throw Bad(path, $"{where}: property \"{prop.Name}\" appears more than once");
        }

        return map;
    }

    private static int Int(Dictionary<string, JsonElement> p, string name, string path, string where)
    {
        if (!p.TryGetValue(name, out var e) || e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int value) || value < 0)
        {
            throw Bad(path, $"{where}: \"{name}\" must be a non-negative integer");
        }

        return value;
    }

    private static string? NullableString(Dictionary<string, JsonElement> p, string name, string path, string where)
    {
        if (!p.TryGetValue(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.String) throw Bad(path, $"{where}: \"{name}\" must be a string or null");
        return e.GetString();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static RgsudFileException Bad(string path, string reason) => new(path, reason);
}
