using System.Text.Json;
using Rgsud.Networks.Derainers;

namespace Rgsud.Networks.Tests;

public sealed class DerainerRegistryTests
{
    [Fact]
    public void Names_ListPReNet() => Assert.Contains("prenet", DerainerRegistry.Names);

    [Fact]
    public void Create_PReNet_WithDefaultsAndWithConfig()
    {
        using (var net = DerainerRegistry.Create("prenet"))
            Assert.Equal(6, Assert.IsType<PReNet>(net).Options.Iterations);

        using var doc = JsonDocument.Parse("""{"iterations": 3}""");
        using var configured = DerainerRegistry.Create("PReNet", doc.RootElement);
        Assert.Equal(3, Assert.IsType<PReNet>(configured).Options.Iterations);
    }

    [Fact]
    public void Create_UnknownName_ListsKnownNames()
    {
        var ex = Assert.Throws<RgsudException>(() => DerainerRegistry.Create("unet"));
        Assert.Equal($"unknown network 'unet'; known networks: {string.Join(", ", DerainerRegistry.Names)}", ex.Message);
        Assert.Contains("prenet", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"iterationz": 3}""", "configuration of network 'prenet' is invalid")]
    [InlineData("""{"iterations": "six"}""", "configuration of network 'prenet' is invalid")]
    [InlineData("""[1]""", "configuration of network 'prenet' must be a JSON object, got Array")]
    [InlineData("""{"iterations": 0}""", "PReNetOptions.Iterations must be at least 1, got 0")]
    public void Create_InvalidConfig_Throws(string json, string message)
    {
        using var doc = JsonDocument.Parse(json);
        var ex = Assert.Throws<RgsudException>(() => DerainerRegistry.Create("prenet", doc.RootElement));
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }
}
