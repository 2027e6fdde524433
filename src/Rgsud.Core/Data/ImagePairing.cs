namespace Rgsud.Data;

/// <summary>
/// Pairs prediction files with ground-truth files: by identical file name without extension, otherwise by the last
/// number in the name, compared as an integer (<c>rain-071.png</c> ↔ <c>norain-071.png</c>, <c>071</c> ↔ <c>71</c>).
/// Ambiguities are errors, never guesses.
/// </summary>
public static class ImagePairing
{
    /// <summary>
    /// Pairs <paramref name="predictions"/> with <paramref name="targets"/> (file paths; only the file names are
    /// compared, ordinally). Files that find no partner are listed in the result.
    /// </summary>
    /// <exception cref="RgsudException">
    /// A prediction matches more than one ground-truth file, or a ground-truth file would be paired with more than one
    /// prediction. The message names every such file.
    /// </exception>
    public static ImagePairingResult Pair(IEnumerable<string> predictions, IEnumerable<string> targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        var preds = predictions.Distinct(StringComparer.Ordinal).OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList();
        var gts = targets.Distinct(StringComparer.Ordinal).OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList();

        var byStem = gts.ToLookup(Stem, StringComparer.Ordinal);
        var byNumber = gts.Where(t => LastNumber(Stem(t)) is not null).ToLookup(t => LastNumber(Stem(t))!, StringComparer.Ordinal);

        var problems = new List<string>();
        var pairs = new List<ImagePair>();
        var unpaired = new List<string>();
        foreach (var pred in preds)
        {
            var stem = Stem(pred);
            var exact = byStem[stem].ToList();
            if (exact.Count > 1)
            {
                problems.Add($"{Path.GetFileName(pred)} matches {exact.Count} ground-truth files by name ({Names(exact)})");
                continue;
            }
            if (exact.Count == 1)
            {
                pairs.Add(new ImagePair(stem, pred, exact[0], ByNumber: false));
                continue;
            }
            var number = LastNumber(stem);
            var candidates = number is null ? [] : byNumber[number].ToList();
            if (candidates.Count > 1)
            {
                problems.Add($"{Path.GetFileName(pred)} matches {candidates.Count} ground-truth files by its number {number} ({Names(candidates)})");
                continue;
            }
            if (candidates.Count == 1) pairs.Add(new ImagePair(stem, pred, candidates[0], ByNumber: true));
            else unpaired.Add(pred);
        }

        foreach (var group in pairs.GroupBy(p => p.Target, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"ground truth {Path.GetFileName(group.Key)} would pair with {group.Count()} predictions ({Names(group.Select(p => p.Prediction))})");

        if (problems.Count > 0)
            throw new RgsudException("cannot pair predictions with ground truth: " + string.Join("; ", problems));

        var used = pairs.Select(p => p.Target).ToHashSet(StringComparer.Ordinal);
        return new ImagePairingResult(pairs, unpaired, gts.Where(t => !used.Contains(t)).ToList());
    }

    /// <summary>
    /// The last run of ASCII digits in <paramref name="name"/>, without leading zeros ("0" for all zeros), or null
    /// when it has none: <c>rain-071</c> → <c>71</c>, <c>img12_x3</c> → <c>3</c>.
    /// </summary>
    public static string? LastNumber(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var end = name.Length;
        while (end > 0 && !char.IsAsciiDigit(name[end - 1])) end--;
        if (end == 0) return null;
        var start = end;
        while (start > 0 && char.IsAsciiDigit(name[start - 1])) start--;
        var digits = name[start..end].TrimStart('0');
        return digits.Length == 0 ? "0" : digits;
    }

    private static string Stem(string path) => Path.GetFileNameWithoutExtension(path);

    private static string Names(IEnumerable<string> paths) => string.Join(", ", paths.Select(Path.GetFileName));
}
