using Rgsud.Imaging;
using Rgsud.Rewards.Niqe;
using Rgsud.Testing;
using Xunit.Abstractions;

namespace Rgsud.Rewards.Tests.Niqe;

public sealed class NiqeModelTests(ITestOutputHelper output)
{
    private static NiqeModel RandomModel(int seed)
    {
        var rng = new Random(seed);
        var mean = Enumerable.Range(0, 36).Select(_ => rng.NextDouble() * 3 - 1).ToArray();
        var cov = new double[36, 36];
        for (int i = 0; i < 36; i++)
            for (int j = 0; j <= i; j++) cov[i, j] = cov[j, i] = i == j ? 1 + rng.NextDouble() : (rng.NextDouble() - 0.5) / 3e7;
        return new NiqeModel(mean, cov, NiqeModel.StandardGaussianWindow(), "random test model");
    }

    [Fact]
    public void Json_RoundTrip_IsExact()
    {
        using var tmp = new TempFolder();
        var model = RandomModel(1);
        var path = tmp.File(Path.Combine("sub", "model.json"));
        model.SaveJson(path);
        var loaded = NiqeModel.LoadJson(path);
        Assert.Equal(model.Mean, loaded.Mean);
        Assert.Equal(model.GetCovariance(), loaded.GetCovariance());
        Assert.Equal(model.GetGaussianWindow(), loaded.GetGaussianWindow());
        Assert.Equal("random test model", loaded.Description);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
        // Load dispatches on the extension.
        Assert.Equal(model.Mean, NiqeModel.Load(path).Mean);
    }

    [Theory]
    [InlineData("""{"format": "other", "version": 1}""", "\"format\" is not \"rgsud.niqe-model\"")]
    [InlineData("""{"format": "rgsud.niqe-model", "version": 2}""", "unsupported \"version\"")]
    [InlineData("""{"format": "rgsud.niqe-model", "version": 1, "mean": [1, 2]}""", "\"mean\" must be an array of 36 numbers")]
    [InlineData("""[1]""", "the top level is not a JSON object")]
    [InlineData("""{"format": """, "")]
    public void Json_Malformed_ThrowsFileException(string json, string reason)
    {
        using var tmp = new TempFolder();
        var path = tmp.File("bad.json");
        File.WriteAllText(path, json);
        var ex = Assert.Throws<RgsudFileException>(() => NiqeModel.LoadJson(path));
        Assert.Equal(path, ex.FilePath);
        Assert.StartsWith("not a valid NIQE model: " + reason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RejectsWrongSizesAndNonFiniteValues()
    {
        var w = NiqeModel.StandardGaussianWindow();
        Assert.Throws<ArgumentException>(() => new NiqeModel(new double[35], new double[36, 36], w));
        Assert.Throws<ArgumentException>(() => new NiqeModel(new double[36], new double[36, 35], w));
        Assert.Throws<ArgumentException>(() => new NiqeModel(new double[36], new double[36, 36], new double[5, 5]));
        var mean = new double[36];
        mean[3] = double.NaN;
        Assert.Throws<ArgumentException>(() => new NiqeModel(mean, new double[36, 36], w));
    }

    [Fact]
    public void Fit_Validation()
    {
        Assert.Equal("fitting a NIQE model needs at least one clean image, got none",
            Assert.Throws<RgsudException>(() => NiqeModel.Fit(Array.Empty<string>())).Message);
        Assert.Equal("NiqeFitOptions.SharpnessThreshold must be in [0, 1), got 1",
            Assert.Throws<RgsudException>(() => NiqeModel.Fit(Array.Empty<string>(), new NiqeFitOptions { SharpnessThreshold = 1 })).Message);
        using var small = TestImages.Synthetic(64, 200);
        Assert.StartsWith("NIQE needs images of at least 96x96",
            Assert.Throws<RgsudException>(() => NiqeModel.Fit([small])).Message, StringComparison.Ordinal);
        // One 96x96 block gives one patch: too few for a covariance.
        using var one = TestImages.Synthetic(96, 96);
        Assert.StartsWith("fitting a NIQE model needs at least 2 sharp patches with finite features, got 1",
            Assert.Throws<RgsudException>(() => NiqeModel.Fit([one])).Message, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void OfficialWindow_IsTheStandardGaussian()
    {
        var official = NiqeModel.LoadNpz(TestImages.NiqeModelPath);
        var w = official.GetGaussianWindow();
        var s = NiqeModel.StandardGaussianWindow();
        double max = 0;
        for (int i = 0; i < 7; i++) for (int j = 0; j < 7; j++) max = Math.Max(max, Math.Abs(w[i, j] - s[i, j]));
        output.WriteLine($"max |npz window − fspecial('gaussian',7,7/6)| = {max:E2}");
        Assert.True(max < 1e-15);
        Assert.Equal(36, official.Mean.Count);
    }

    [SharedDataFact]
    public void Fit_OnTrainClean_SavesAndLoadsAsJson()
    {
        var model = FittedNiqeModel.Model;
        output.WriteLine($"fitted in {FittedNiqeModel.Elapsed.TotalSeconds:F2} s: {model.Description}");
        using var tmp = new TempFolder();
        var path = tmp.File("fitted.json");
        model.SaveJson(path);
        var loaded = NiqeModel.LoadJson(path);
        Assert.Equal(model.Mean, loaded.Mean);
        Assert.Equal(model.GetCovariance(), loaded.GetCovariance());
        Assert.Equal(NiqeModel.StandardGaussianWindow(), loaded.GetGaussianWindow());
        Assert.Contains("of 405 96x96 patches", model.Description, StringComparison.Ordinal); // 27 images x 15 blocks
        var cov = model.GetCovariance();
        for (int i = 0; i < 36; i++) Assert.True(cov[i, i] >= 0);

        // Fitting from tensors gives the same model as fitting from files.
        var paths = ImageIO.ListImages(TestImages.Rain100L("train-clean")).Take(3).ToList();
        var images = paths.Select(p => ImageIO.Read(p)).ToList();
        try
        {
            var fromFiles = NiqeModel.Fit(paths);
            var fromTensors = NiqeModel.Fit(images);
            Assert.Equal(fromFiles.Mean, fromTensors.Mean);
            Assert.Equal(fromFiles.GetCovariance(), fromTensors.GetCovariance());
        }
        finally
        {
            foreach (var t in images) t.Dispose();
        }
    }
}
