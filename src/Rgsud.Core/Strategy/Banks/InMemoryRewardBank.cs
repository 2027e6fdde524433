using Rgsud.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Strategy.Banks;

/// <summary>
/// A reward bank (Algorithm 1 of the paper) that keeps every reward in memory as 8-bit RGB: a candidate is
/// quantised as <c>round(clamp(x, 0, 1) · 255)</c> (NaN becomes 0), exactly as
/// <see cref="Imaging.ImageIO.WritePng"/> writes it, so a reward read back equals the PNG a user would see, and
/// costs 3 bytes per pixel. Use <see cref="DiskRewardBank"/> for large training sets.
/// <para>
/// A candidate replaces a slot's reward only when <see cref="ScoreOrdering.IsBetter"/> says its score beats the
/// bar: the stored reward's score; for an empty slot, the input score when <see cref="ColdStartGuard"/> is on and
/// the input score is known (a non-finite input score sets no bar); otherwise any finite score wins. Non-finite
/// scores are never accepted and ties keep the earlier reward. All members are safe for concurrent use; an
/// offer's comparison and replacement are atomic.
/// </para>
/// <para>
/// Ids are relative '/'-separated paths: non-empty, at most 1024 characters, no leading '/', drive prefix,
/// backslash, control character, empty, '.' or '..' segment; anything else is an <see cref="ArgumentException"/>.
/// </para>
/// </summary>
public sealed class InMemoryRewardBank : IRewardBank
{
    private readonly RewardLedger ledger;

    /// <summary>Creates an empty bank.</summary>
    /// <param name="direction">Whether higher or lower scores are better.</param>
    /// <param name="coldStartGuard">When true, an empty slot only accepts candidates that beat its input's score (when known).</param>
    public InMemoryRewardBank(ScoreDirection direction, bool coldStartGuard = true)
    {
        ledger = new RewardLedger(direction, coldStartGuard);
    }

    /// <inheritdoc />
    public ScoreDirection Direction => ledger.Direction;

    /// <summary>Whether an empty slot's bar is its input score (when known).</summary>
    public bool ColdStartGuard => ledger.ColdStartGuard;

    /// <summary>
    /// The scorer's name recorded in saved manifests (optional). <see cref="Load"/> refuses a bank saved with a
    /// different scorer name when both are set, and adopts the saved name when this one is null.
    /// </summary>
    public string? ScorerName { get; set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The id is invalid.</exception>
    public void SetInputScore(string id, double inputScore) => ledger.SetInputScore(id, inputScore);

    /// <inheritdoc />
    /// <remarks>
    /// The candidate may be <c>[3,H,W]</c> or <c>[1,3,H,W]</c>, floating point, on any device and with any strides;
    /// it is copied (quantised to 8 bits on the CPU) only when accepted, and never kept. Its size may differ from
    /// the slot's current reward. Offering to an unknown id creates the slot.
    /// </remarks>
    /// <exception cref="ArgumentException">The id is invalid, or the candidate is not a floating-point RGB image tensor.</exception>
    public bool Offer(string id, Tensor candidate, double score, long step)
    {
        RewardIds.Validate(id);
        var (width, height) = RewardPixels.CheckCandidate(candidate, nameof(candidate));
        return ledger.Offer(id, score, step, width, height,
            () => RewardPixels.Quantize(candidate, width, height),
            static (slot, image) => slot.Image = image);
    }

    /// <inheritdoc />
    public RewardSlot? GetSlot(string id) => ledger.GetSlot(id);

    /// <inheritdoc />
    public IReadOnlyList<RewardSlot> GetSlots() => ledger.GetSlots();

    /// <inheritdoc />
    public Tensor? ReadReward(string id)
    {
        var image = ledger.Read(id, static s => s.Image!);
        return image is null ? null : RewardPixels.ToTensor(image);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The box does not lie inside the reward (the message names the id, box and image size).</exception>
    public Tensor? ReadRewardCrop(string id, CropBox box)
    {
        var image = ledger.Read(id, static s => s.Image!);
        if (image is null) return null;
        RewardPixels.CheckBox(id, box, image.Width, image.Height);
        return RewardPixels.ToTensor(image, box);
    }

    /// <inheritdoc />
    public void BeginPass() => ledger.BeginPass();

    /// <inheritdoc />
    public RewardBankStatistics GetStatistics() => ledger.GetStatistics();

    /// <inheritdoc />
    /// <remarks>
    /// Writes <c>manifest.json</c> and one PNG per reward under <c>rewards/</c> into a temporary sibling folder,
    /// then swaps it into place (an existing directory is replaced only if it is empty or a reward bank). Each
    /// PNG's SHA-256 is recorded in the manifest.
    /// </remarks>
    /// <exception cref="RgsudFileException">The bank could not be written, or the directory exists and is not a bank.</exception>
    public void Save(string directory)
    {
        var snapshot = ledger.Snapshot();
        var manifestScorer = ScorerName;
        BankDirectory.SaveAtomically(directory, staging =>
        {
            string rewards = BankDirectory.RewardsPath(staging);
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var entries = new List<RewardManifestEntry>(snapshot.Count);
            foreach (var slot in snapshot)
            {
                if (!slot.HasReward)
                {
                    entries.Add(RewardManifestEntry.From(slot, null, null));
                    continue;
                }

                string name = RewardIds.CanonicalFileName(slot.Id);
                while (!names.Add(name)) name = RewardIds.VersionedFileName(slot.Id);
                var png = RewardPng.Encode(slot.Image!);
                BankDirectory.WriteNewFile(Path.Combine(rewards, name), png);
                entries.Add(RewardManifestEntry.From(slot, name, RewardPng.Sha256Hex(png)));
            }

            var manifest = new RewardManifest(Direction, manifestScorer, ColdStartGuard, entries);
            BankDirectory.WriteNewFile(BankDirectory.ManifestPath(staging), manifest.ToJson());
        });
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every reward file is read, checked against its SHA-256 and decoded before anything is replaced: on any
    /// error the bank is unchanged. The manifest is validated strictly (format, version, direction equal to
    /// <see cref="Direction"/>, ids, file names that resolve inside <c>rewards/</c>). A directory missing because
    /// a save was interrupted is recovered from its temporary or previous copy. The per-pass counters are reset;
    /// this bank's <see cref="ColdStartGuard"/> is kept.
    /// </remarks>
    /// <exception cref="RgsudFileException">The directory, its manifest or a reward file is missing, invalid or corrupt.</exception>
    public void Load(string directory)
    {
        string dir = BankDirectory.ResolveForLoad(directory);
        var manifest = RewardManifest.Read(dir);
        string manifestPath = BankDirectory.ManifestPath(dir);
        manifest.EnsureCompatible(manifestPath, Direction, ScorerName);
        var states = new List<RewardSlotState>(manifest.Entries.Count);
        foreach (var entry in manifest.Entries)
        {
            var state = entry.ToState();
            if (entry.File is not null)
            {
                string path = BankDirectory.RewardFile(dir, entry.File, manifestPath);
                var data = BankDirectory.ReadVerified(path, entry.Sha256!, entry.Width, entry.Height);
                state.Image = RewardPng.Decode(data, path, entry.Width, entry.Height);
            }

            states.Add(state);
        }

        ledger.Exclusive(() => ledger.Replace(states));
        ScorerName ??= manifest.Scorer;
    }
}
