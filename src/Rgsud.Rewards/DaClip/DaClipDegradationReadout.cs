namespace Rgsud.Rewards.DaClip;

/// <summary>DA-CLIP's degradation probabilities for one image (<see cref="DaClipScorer.Degradations"/>).</summary>
public sealed class DaClipDegradationReadout
{
    internal DaClipDegradationReadout(IReadOnlyList<string> words, double[] probabilities)
    {
        Words = words;
        Probabilities = Array.AsReadOnly(probabilities);
        int best = 0;
        for (int i = 1; i < probabilities.Length; i++) if (probabilities[i] > probabilities[best]) best = i;
        MostLikely = words[best];
    }

    /// <summary>The degradation words, in the order of <see cref="Probabilities"/>.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>The probability of each word (they sum to 1).</summary>
    public IReadOnlyList<double> Probabilities { get; }

    /// <summary>The word with the highest probability (the first of equals).</summary>
    public string MostLikely { get; }

    /// <summary>The probability of <paramref name="word"/>.</summary>
    /// <exception cref="KeyNotFoundException">The word is not one of <see cref="Words"/>.</exception>
    public double this[string word]
    {
        get
        {
            for (int i = 0; i < Words.Count; i++) if (string.Equals(Words[i], word, StringComparison.Ordinal)) return Probabilities[i];
            throw new KeyNotFoundException($"'{word}' is not a DA-CLIP degradation word here ({string.Join(", ", Words)})");
        }
    }
}
