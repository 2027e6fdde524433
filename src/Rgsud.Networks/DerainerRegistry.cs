using System.Text.Json;
using System.Text.Json.Serialization;
using Rgsud.Networks.Derainers;
using Rgsud.Runtime;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks;

/// <summary>
/// Creates derainer networks by name, for the command line and configuration files. Names are case-insensitive.
/// </summary>
public static class DerainerRegistry
{
    private static readonly JsonSerializerOptions ConfigJson = new()
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    private static readonly (string Name, Func<JsonElement?, Module<Tensor, Tensor>> Create)[] Entries =
    [
        ("prenet", config => new PReNet(Options<PReNetOptions>("prenet", config))),
        ("nafnet", config => new NafNet(Options<NafNetOptions>("nafnet", config))),
        ("nafnet-small", config => new NafNet(config is null ? NafNetOptions.Small : Options<NafNetOptions>("nafnet-small", config))),
        ("restormer", config => new RestormerLite(Options<RestormerLiteOptions>("restormer", config))),
        ("restormer-small", config => new RestormerLite(config is null ? RestormerLiteOptions.Small : Options<RestormerLiteOptions>("restormer-small", config))),
    ];

    /// <summary>The known network names, in lower case.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Name).ToArray();

    /// <summary>Throws the same <see cref="RgsudException"/> as <see cref="Create"/> when <paramref name="name"/> is not a known network.</summary>
    public static void EnsureKnown(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Entries.Any(e => string.Equals(e.Name, name.Trim(), StringComparison.OrdinalIgnoreCase)))
            throw new RgsudException($"unknown network '{name}'; known networks: {string.Join(", ", Names)}");
    }

    /// <summary>
    /// Creates the network <paramref name="name"/> with freshly initialised weights, in Rgsud's preferred memory
    /// layout. <paramref name="config"/> is a JSON object of that network's options (for <c>prenet</c>,
    /// <see cref="PReNetOptions"/>: <c>{"iterations": 6}</c>); null or absent members take the defaults.
    /// </summary>
    /// <exception cref="RgsudException">The name is unknown (the message lists the known names) or the configuration is invalid.</exception>
    public static Module<Tensor, Tensor> Create(string name, JsonElement? config = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        RgsudRuntime.EnsureInitialized();
        foreach (var (known, create) in Entries)
        {
            if (string.Equals(known, name.Trim(), StringComparison.OrdinalIgnoreCase))
                return create(config);
        }
        throw new RgsudException($"unknown network '{name}'; known networks: {string.Join(", ", Names)}");
    }

    private static T Options<T>(string network, JsonElement? config) where T : new()
    {
        if (config is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return new T();
        if (element.ValueKind != JsonValueKind.Object)
            throw new RgsudException($"configuration of network '{network}' must be a JSON object, got {element.ValueKind}");
        try
        {
            return element.Deserialize<T>(ConfigJson) ?? new T();
        }
        catch (JsonException ex)
        {
            throw new RgsudException($"configuration of network '{network}' is invalid: {ex.Message}", ex);
        }
    }
}
