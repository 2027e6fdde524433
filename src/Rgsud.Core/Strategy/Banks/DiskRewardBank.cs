using System.Collections.Concurrent;
using Rgsud.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Strategy.Banks;

/// <summary>
/// A reward bank (Algorithm 1 of the paper) for large training sets: slot metadata stays in memory, every accepted
/// reward is written at once as an 8-bit PNG under <c>&lt;DirectoryPath&gt;/rewards/</c> (temporary file, then
/// rename; stored without deflate compression, about 3 bytes per pixel, because compressing dominated the cost
/// of an offer), and at most <see cref="CacheCapacity"/> decoded rewards are kept in a least-recently-used cache.
/// Rewards are quantised as <c>round(clamp(x, 0, 1) · 255)</c> (NaN becomes 0), exactly as
/// <see cref="Imaging.ImageIO.WritePng"/> does. Acceptance, ids, statistics and the saved format are those of
/// <see cref="InMemoryRewardBank"/>, whose documentation gives the rules.
/// <para>
/// Crash safety: <see cref="Save"/> to <see cref="DirectoryPath"/> flushes the reward files it lists to disk and
/// then rewrites <c>manifest.json</c> atomically. Reward files get a new name each time a slot improves, and a
/// file the manifest on disk refers to is only deleted after the next such save, so the directory always holds a
/// complete, consistent bank as of the last save; files written after it are removed when the bank is opened
/// again. Opening a directory that has a manifest resumes it. Reward files are checked against their SHA-256 each
/// time they are decoded. Only one bank object (in one process) may use a directory at a time.
/// </para>
/// </summary>
public sealed class DiskRewardBank : IRewardBank
{
    private readonly RewardLedger ledger;
    private readonly RewardPixelCache cache;
    private readonly string rewardsPath;

    /// <summary>File names the manifest on disk refers to; replaced only under the ledger's exclusive lock.</summary>
    private HashSet<string> persisted = new(StringComparer.Ordinal);

    /// <summary>Reward files written since the last save and not yet flushed to disk (flushed by the next save).</summary>
    private readonly ConcurrentDictionary<string, byte> unflushed = new(StringComparer.Ordinal);

    /// <summary>Opens (creating it if needed) the bank in <paramref name="directory"/>, resuming it when it has a manifest.</summary>
    /// <param name="directory">The bank's folder; created when missing.</param>
    /// <param name="direction">Whether higher or lower scores are better; must match a saved manifest's.</param>
    /// <param name="coldStartGuard">When true, an empty slot only accepts candidates that beat its input's score (when known).</param>
    /// <param name="cacheCapacity">The most decoded rewards kept in memory (0 or more).</param>
    /// <exception cref="RgsudFileException">The directory cannot be created, or its manifest or a reward file is missing or invalid.</exception>
    public DiskRewardBank(string directory, ScoreDirection direction, bool coldStartGuard = true, int cacheCapacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheCapacity);
        ledger = new RewardLedger(direction, coldStartGuard);
        cache = new RewardPixelCache(cacheCapacity);
        DirectoryPath = BankDirectory.Normalize(directory);
        rewardsPath = BankDirectory.RewardsPath(DirectoryPath);
        if (!Directory.Exists(DirectoryPath)) BankDirectory.TryRecover(DirectoryPath);
        BankDirectory.Create(rewardsPath);
        if (File.Exists(BankDirectory.ManifestPath(DirectoryPath))) ledger.Exclusive(ReloadOwn);
    }

    /// <inheritdoc />
    public ScoreDirection Direction => ledger.Direction;

    /// <summary>Whether an empty slot's bar is its input score (when known).</summary>
    public bool ColdStartGuard => ledger.ColdStartGuard;

    /// <summary>The bank's folder (absolute).</summary>
    public string DirectoryPath { get; }

    /// <summary>The most decoded rewards kept in memory.</summary>
    public int CacheCapacity => cache.Capacity;

    /// <summary>
    /// The scorer's name recorded in saved manifests (optional). Opening or loading a bank saved with a different
    /// scorer name fails when both are set; a null name adopts the saved one.
    /// </summary>
    public string? ScorerName { get; set; }

    /// <summary>Decoded rewards held in the cache now (for tests).</summary>
    internal int CachedCount => cache.Count;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The id is invalid.</exception>
    public void SetInputScore(string id, double inputScore) => ledger.SetInputScore(id, inputScore);

    /// <inheritdoc />
    /// <remarks>
    /// Rules as for <see cref="InMemoryRewardBank.Offer"/>. An accepted candidate is quantised, encoded and
    /// written to disk before this returns; the previous reward file is deleted unless the saved manifest still
    /// refers to it.
    /// </remarks>
    /// <exception cref="ArgumentException">The id is invalid, or the candidate is not a floating-point RGB image tensor.</exception>
    /// <exception cref="RgsudFileException">The reward file could not be written (the slot is then unchanged).</exception>
    public bool Offer(string id, Tensor candidate, double score, long step)
    {
        RewardIds.Validate(id);
        var (width, height) = RewardPixels.CheckCandidate(candidate, nameof(candidate));
        return ledger.Offer(id, score, step, width, height,
            () =>
            {
                var image = RewardPixels.Quantize(candidate, width, height);
                return (Image: image, Png: RewardPng.Encode(image, compact: false));
            },
            (slot, prepared) =>
            {
                string name = RewardIds.VersionedFileName(slot.Id);
                BankDirectory.WriteFileAtomically(Path.Combine(rewardsPath, name), prepared.Png, flushToDisk: false);
                unflushed[name] = 0;
                string? previous = slot.FileName;
                slot.FileName = name;
                slot.Sha256 = RewardPng.Sha256Hex(prepared.Png);
                slot.Image = null;
                cache.Put(name, prepared.Image);
                if (previous is not null)
                {
                    cache.Remove(previous);
                    if (!persisted.Contains(previous))
                    {
                        unflushed.TryRemove(previous, out _);
                        BankDirectory.TryDelete(Path.Combine(rewardsPath, previous));
                    }
                }
            });
    }

    /// <inheritdoc />
    public RewardSlot? GetSlot(string id) => ledger.GetSlot(id);

    /// <inheritdoc />
    public IReadOnlyList<RewardSlot> GetSlots() => ledger.GetSlots();

    /// <inheritdoc />
    /// <exception cref="RgsudFileException">The reward file is missing, corrupt or fails its SHA-256 check.</exception>
    public Tensor? ReadReward(string id)
    {
        var image = ledger.Read(id, Fetch);
        return image is null ? null : RewardPixels.ToTensor(image);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The box does not lie inside the reward (the message names the id, box and image size).</exception>
    /// <exception cref="RgsudFileException">The reward file is missing, corrupt or fails its SHA-256 check.</exception>
    public Tensor? ReadRewardCrop(string id, CropBox box)
    {
        // The box is checked against the metadata before any file is read.
        var image = ledger.Read(id, slot =>
        {
            RewardPixels.CheckBox(id, box, slot.Width, slot.Height);
            return Fetch(slot);
        });
        return image is null ? null : RewardPixels.ToTensor(image, box);
    }

    /// <inheritdoc />
    public void BeginPass() => ledger.BeginPass();

    /// <inheritdoc />
    public RewardBankStatistics GetStatistics() => ledger.GetStatistics();

    /// <inheritdoc />
    /// <remarks>
    /// To <see cref="DirectoryPath"/>: rewrites <c>manifest.json</c> atomically (temporary file, flush, rename) and
    /// deletes reward files no longer referred to. To another directory: a full copy written like
    /// <see cref="InMemoryRewardBank.Save"/> (temporary sibling folder swapped into place), each file checked
    /// against its SHA-256 as it is copied. Offers and reads wait while the bank is saved.
    /// </remarks>
    /// <exception cref="RgsudFileException">The bank could not be written, or a reward file is corrupt.</exception>
    public void Save(string directory)
    {
        string target = BankDirectory.Normalize(directory);
        if (BankDirectory.SamePath(target, DirectoryPath))
        {
            ledger.Exclusive(FlushManifest);
            return;
        }

        var manifestScorer = ScorerName;
        ledger.Exclusive(() => BankDirectory.SaveAtomically(target, staging =>
        {
            string rewards = BankDirectory.RewardsPath(staging);
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var entries = new List<RewardManifestEntry>();
            foreach (var slot in ledger.LiveSlots())
            {
                if (!slot.HasReward)
                {
                    entries.Add(RewardManifestEntry.From(slot, null, null));
                    continue;
                }

                var data = BankDirectory.ReadVerified(Path.Combine(rewardsPath, slot.FileName!), slot.Sha256!, slot.Width, slot.Height);
                string name = RewardIds.CanonicalFileName(slot.Id);
                while (!names.Add(name)) name = RewardIds.VersionedFileName(slot.Id);
                BankDirectory.WriteNewFile(Path.Combine(rewards, name), data);
                entries.Add(RewardManifestEntry.From(slot, name, slot.Sha256));
            }

            var manifest = new RewardManifest(Direction, manifestScorer, ColdStartGuard, entries);
            BankDirectory.WriteNewFile(BankDirectory.ManifestPath(staging), manifest.ToJson());
        }));
    }

    /// <inheritdoc />
    /// <remarks>
    /// From <see cref="DirectoryPath"/>: reloads the last saved state, discarding later offers. From another
    /// directory: every reward file is read, checked against its SHA-256 and copied into this bank's
    /// <c>rewards/</c> before anything is replaced; on error the bank is unchanged. The manifest on disk in
    /// <see cref="DirectoryPath"/> changes only at the next <see cref="Save"/>. The manifest is validated as in
    /// <see cref="InMemoryRewardBank.Load"/>. The per-pass counters are reset.
    /// </remarks>
    /// <exception cref="RgsudFileException">The directory, its manifest or a reward file is missing, invalid or corrupt.</exception>
    public void Load(string directory)
    {
        string source = BankDirectory.Normalize(directory);
        if (BankDirectory.SamePath(source, DirectoryPath))
        {
            ledger.Exclusive(ReloadOwn);
            return;
        }

        source = BankDirectory.ResolveForLoad(source);
        var manifest = RewardManifest.Read(source);
        string manifestPath = BankDirectory.ManifestPath(source);
        manifest.EnsureCompatible(manifestPath, Direction, ScorerName);
        var states = new List<RewardSlotState>(manifest.Entries.Count);
        var copied = new List<string>();
        try
        {
            foreach (var entry in manifest.Entries)
            {
                var state = entry.ToState();
                if (entry.File is not null)
                {
                    string path = BankDirectory.RewardFile(source, entry.File, manifestPath);
                    var data = BankDirectory.ReadVerified(path, entry.Sha256!, entry.Width, entry.Height);
                    string name = RewardIds.VersionedFileName(entry.Id);
                    string copy = Path.Combine(rewardsPath, name);
                    BankDirectory.WriteNewFile(copy, data);
                    copied.Add(copy);
                    state.FileName = name;
                    state.Sha256 = entry.Sha256;
                }

                states.Add(state);
            }
        }
        catch
        {
            foreach (var file in copied) BankDirectory.TryDelete(file);
            throw;
        }

        ledger.Exclusive(() =>
        {
            ledger.Replace(states);
            cache.Clear();
            DeleteUnreferenced();
        });
        ScorerName ??= manifest.Scorer;
    }

    /// <summary>Reads the slot's reward from the cache or its file. Runs under the slot lock.</summary>
    private RewardImage Fetch(RewardSlotState slot)
    {
        string name = slot.FileName!;
        var cached = cache.TryGet(name);
        if (cached is not null) return cached;
        string path = Path.Combine(rewardsPath, name);
        var data = BankDirectory.ReadVerified(path, slot.Sha256!, slot.Width, slot.Height);
        var image = RewardPng.Decode(data, path, slot.Width, slot.Height);
        cache.Put(name, image);
        return image;
    }

    /// <summary>Replaces the state with this directory's manifest. Under the exclusive lock.</summary>
    private void ReloadOwn()
    {
        var manifest = RewardManifest.Read(DirectoryPath);
        string manifestPath = BankDirectory.ManifestPath(DirectoryPath);
        manifest.EnsureCompatible(manifestPath, Direction, ScorerName);
        var states = new List<RewardSlotState>(manifest.Entries.Count);
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in manifest.Entries)
        {
            var state = entry.ToState();
            if (entry.File is not null)
            {
                string path = BankDirectory.RewardFile(DirectoryPath, entry.File, manifestPath);
                if (!File.Exists(path)) throw new RgsudFileException(path, "reward file not found (listed in manifest.json)");
                state.FileName = entry.File;
                state.Sha256 = entry.Sha256;
                files.Add(entry.File);
            }

            states.Add(state);
        }

        ledger.Replace(states);
        persisted = files;
        unflushed.Clear();
        cache.Clear();
        ScorerName ??= manifest.Scorer;
        DeleteUnreferenced();
    }

    /// <summary>Writes this directory's manifest atomically, then drops unreferenced files. Under the exclusive lock.</summary>
    private void FlushManifest()
    {
        var entries = new List<RewardManifestEntry>();
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slot in ledger.LiveSlots())
        {
            entries.Add(RewardManifestEntry.From(slot, slot.FileName, slot.Sha256));
            if (slot.FileName is not null) files.Add(slot.FileName);
        }

        // Reward files are written without a flush (most are replaced before the next save); the ones the new
        // manifest refers to are flushed before it, so a manifest on disk never names a file that is not.
        foreach (var file in files)
        {
            if (unflushed.TryRemove(file, out _)) BankDirectory.FlushToDisk(Path.Combine(rewardsPath, file));
        }

        var manifest = new RewardManifest(Direction, ScorerName, ColdStartGuard, entries);
        BankDirectory.WriteFileAtomically(BankDirectory.ManifestPath(DirectoryPath), manifest.ToJson());
        persisted = files;
        unflushed.Clear();
        DeleteUnreferenced();
    }

    /// <summary>
    /// Deletes *.png and temporary files in rewards/ that neither a slot nor the saved manifest refers to (left by
    /// a crash, a discarded state or a replaced reward). Under the exclusive lock.
    /// </summary>
    private void DeleteUnreferenced()
    {
        var keep = new HashSet<string>(persisted, StringComparer.Ordinal);
        foreach (var slot in ledger.LiveSlots())
        {
            if (slot.FileName is not null) keep.Add(slot.FileName);
        }

        IEnumerable<string> files;
        try
        {
            files = Directory.EnumerateFiles(rewardsPath).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            System.Diagnostics.Trace.TraceWarning($"Rgsud: cannot list {rewardsPath}: {e.Message}");
            return;
        }

        foreach (var file in files)
        {
            string name = Path.GetFileName(file);
            bool ours = name.EndsWith(".png", StringComparison.Ordinal) || (name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal));
            if (ours && !keep.Contains(name)) BankDirectory.TryDelete(file);
        }
    }
}
