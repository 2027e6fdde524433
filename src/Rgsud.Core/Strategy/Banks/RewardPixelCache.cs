namespace Rgsud.Strategy.Banks;

/// <summary>A thread-safe least-recently-used cache of decoded rewards, keyed by file name, holding at most <see cref="Capacity"/> entries.</summary>
internal sealed class RewardPixelCache
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, RewardImage>>> map = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyValuePair<string, RewardImage>> order = new();

    public RewardPixelCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
    }

    /// <summary>The most entries kept (0: nothing is cached).</summary>
    public int Capacity { get; }

    /// <summary>The entries held now.</summary>
    public int Count
    {
        get
        {
            lock (gate) return map.Count;
        }
    }

    /// <summary>The cached image, marked as most recently used, or null.</summary>
    public RewardImage? TryGet(string key)
    {
        lock (gate)
        {
            if (!map.TryGetValue(key, out var node)) return null;
            order.Remove(node);
            order.AddFirst(node);
            return node.Value.Value;
        }
    }

    /// <summary>Adds or refreshes an entry, evicting the least recently used ones beyond the capacity.</summary>
    public void Put(string key, RewardImage image)
    {
        if (Capacity == 0) return;
        lock (gate)
        {
            if (map.Remove(key, out var existing)) order.Remove(existing);
            map[key] = order.AddFirst(new KeyValuePair<string, RewardImage>(key, image));
            while (map.Count > Capacity)
            {
                var last = order.Last!;
                order.RemoveLast();
                map.Remove(last.Value.Key);
            }
        }
    }

    /// <summary>Drops an entry.</summary>
    public void Remove(string key)
    {
        lock (gate)
        {
            if (map.Remove(key, out var node)) order.Remove(node);
        }
    }

    /// <summary>Drops every entry.</summary>
    public void Clear()
    {
        lock (gate)
        {
            map.Clear();
            order.Clear();
        }
    }
}
