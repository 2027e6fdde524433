using Rgsud.Data;

namespace Rgsud.Core.Tests.Data;

public sealed class ImagePairingTests
{
    [Theory]
    [InlineData("rain-071", "71")]
    [InlineData("norain-071", "71")]
    [InlineData("img12_x3", "3")]
    [InlineData("000", "0")]
    [InlineData("a-0010b", "10")]
    [InlineData("clean", null)]
    [InlineData("", null)]
    public void LastNumber(string name, string? expected) => Assert.Equal(expected, ImagePairing.LastNumber(name));

    [Fact]
    public void Pairs_ByIdenticalStem_ThenByLastNumber()
    {
        var result = ImagePairing.Pair(
            ["/p/rain-062.png", "/p/rain-061.png", "/p/same.png", "/p/rain-099.png"],
            ["/g/norain-061.webp", "/g/norain-62.png", "/g/same.jpg", "/g/norain-070.png"]);

        Assert.Equal(
            [
                new ImagePair("rain-061", "/p/rain-061.png", "/g/norain-061.webp", ByNumber: true),
                new ImagePair("rain-062", "/p/rain-062.png", "/g/norain-62.png", ByNumber: true),
                new ImagePair("same", "/p/same.png", "/g/same.jpg", ByNumber: false),
            ],
            result.Pairs);
        Assert.Equal(["/p/rain-099.png"], result.UnpairedPredictions);
        Assert.Equal(["/g/norain-070.png"], result.UnpairedTargets);
    }

    [Fact]
    public void IdenticalStem_WinsOverNumber()
    {
        var result = ImagePairing.Pair(["/p/071.png"], ["/g/071.png", "/g/norain-071.png"]);
        Assert.Equal("/g/071.png", Assert.Single(result.Pairs).Target);
        Assert.Equal(["/g/norain-071.png"], result.UnpairedTargets);
    }

    [Fact]
    public void AmbiguousNumber_IsAnErrorNamingTheFiles()
    {
        var ex = Assert.Throws<RgsudException>(() =>
            ImagePairing.Pair(["/p/rain-071.png"], ["/g/norain-071.png", "/g/x-71.png"]));
        Assert.Equal("cannot pair predictions with ground truth: rain-071.png matches 2 ground-truth files by its number 71 (norain-071.png, x-71.png)", ex.Message);
    }

    [Fact]
    public void AmbiguousStem_IsAnError()
    {
        var ex = Assert.Throws<RgsudException>(() => ImagePairing.Pair(["/p/a.png"], ["/g/a.png", "/g/a.webp"]));
        Assert.Equal("cannot pair predictions with ground truth: a.png matches 2 ground-truth files by name (a.png, a.webp)", ex.Message);
    }

    [Fact]
    public void TwoPredictionsForOneTarget_IsAnError()
    {
        var ex = Assert.Throws<RgsudException>(() => ImagePairing.Pair(["/p/rain-1.png", "/p/rain-001.png"], ["/g/norain-1.png"]));
        Assert.Equal("cannot pair predictions with ground truth: ground truth norain-1.png would pair with 2 predictions (rain-001.png, rain-1.png)", ex.Message);
    }

    [Fact]
    public void NothingInCommon_GivesNoPairs()
    {
        var result = ImagePairing.Pair(["/p/a.png"], ["/g/b.png"]);
        Assert.Empty(result.Pairs);
        Assert.Equal(["/p/a.png"], result.UnpairedPredictions);
        Assert.Equal(["/g/b.png"], result.UnpairedTargets);
    }
}
