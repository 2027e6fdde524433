using Rgsud.Imaging;
using Rgsud.Testing;
using Rgsud.Testing.Fakes;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.IntegrationTests;

/// <summary>
/// Every sample in samples/ runs to completion on its small built-in setting, and QuickStart is the README's
/// quick-start (scripts/consumer-test.sh compiles the README's copy against the packed packages).
/// </summary>
public sealed class SamplesTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private readonly string dir = Directory.CreateTempSubdirectory("rgsud-samples-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private (int Code, string Out, string Err) Run(string sample, params string[] args)
    {
        var result = SampleProcess.Run(sample, dir, Limit, args);
        output.WriteLine($"$ {sample} {string.Join(' ', args)} -> {result.Code}");
        output.WriteLine(result.Out);
        if (result.Err.Length > 0) output.WriteLine("stderr: " + result.Err);
        return result;
    }

    /// <summary>The C# between the README's quick-start markers, without the code fence.</summary>
    internal static string ReadmeQuickStart()
    {
        var readme = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "README.md")).ReplaceLineEndings("\n");
        const string Start = "<!-- quickstart:start -->", End = "<!-- quickstart:end -->";
        int from = readme.IndexOf(Start, StringComparison.Ordinal), to = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"README.md must hold the quick-start between {Start} and {End}");
        var block = readme[(from + Start.Length)..to].Trim('\n').Split('\n');
        Assert.Equal("```csharp", block[0]);
        Assert.Equal("```", block[^1]);
        return string.Join('\n', block[1..^1]) + "\n";
    }

    [Fact]
    public void QuickStart_is_the_README_quick_start()
    {
        var sample = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "samples", "QuickStart", "Program.cs")).ReplaceLineEndings("\n");
        Assert.Equal(ReadmeQuickStart(), sample);
    }

    [Fact]
    public void QuickStart_trains_and_writes_the_derained_image()
    {
        var r = Run("QuickStart");
        Assert.Equal(0, r.Code);
        Assert.StartsWith("trained 8 steps (stage 2 from step 4), reward bank ", r.Out, StringComparison.Ordinal);
        Assert.Contains("derained.png: 64x64", r.Out, StringComparison.Ordinal);
        using var image = ImageIO.Read(Path.Combine(dir, "derained.png"));
        Assert.Equal([1, 3, 64, 64], image.shape);
    }

    [Fact]
    public void SupervisedBackbone_trains_a_user_network_and_reloads_its_weights()
    {
        var r = Run("SupervisedBackbone", "4");
        Assert.Equal(0, r.Code);
        Assert.Contains("trained 4 steps; stage 2 from 2;", r.Out, StringComparison.Ordinal);
        Assert.Matches(@"PSNR \(Y\) rainy \d+\.\d\d dB, derained \d+\.\d\d dB", r.Out);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void CustomScorer_checks_its_ranking_then_trains_with_it()
    {
        var r = Run("CustomScorer", "4");
        Assert.Equal(0, r.Code);
        Assert.Matches(@"streak-energy: rainy 0\.\d+, clean 0\.\d+ \(LowerIsBetter\)", r.Out);
        Assert.Contains("trained 4 steps; stage 2 from 2;", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void DependencyInjection_binds_configuration_and_uses_the_replaced_components()
    {
        var r = Run("DependencyInjection", "--Rgsud:Iterations=4", "--Rgsud:Stage1Iterations=2", "--Rgsud:RecycleEvery=2");
        Assert.Equal(0, r.Code);
        Assert.Contains("scorer high-frequency, bank InMemoryRewardBank, synthesizer AutoPseudoPairSynthesizer, loss charbonnier", r.Out, StringComparison.Ordinal);
        Assert.Contains("trained 4 steps; stage 2 from 2;", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void DependencyInjection_stops_at_start_on_invalid_configuration_listing_every_rule()
    {
        var r = Run("DependencyInjection", "--Rgsud:Iterations=0", "--Rgsud:CropSize=30");
        Assert.Equal(2, r.Code);
        Assert.Equal(
            "invalid Rgsud configuration:\n" +
            "  Iterations must be at least 1 (was 0).\n" +
            "  Stage1Iterations must be between 0 and Iterations (0) (was 4).\n" +
            "  CropSize must be a multiple of 8 and at least 16 (was 30).\n",
            r.Err.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("trained", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void DependencyInjection_rejects_a_misspelt_key_at_start()
    {
        var r = Run("DependencyInjection", "--Rgsud:CropSzie=64");
        Assert.Equal(2, r.Code);
        Assert.StartsWith("invalid Rgsud configuration: ", r.Err, StringComparison.Ordinal);
        Assert.Contains("'CropSzie'", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void WrapYourOwnMethod_trains_on_image_folders()
    {
        var rainy = Directory.CreateDirectory(Path.Combine(dir, "rainy")).FullName;
        var clean = Directory.CreateDirectory(Path.Combine(dir, "clean")).FullName;
        using (var g = new Generator(5))
        {
            for (int i = 0; i < 3; i++)
            {
                using var scene = SyntheticRain.Scene(g, 72);
                using var rain = SyntheticRain.AddRain(scene, g, 20);
                ImageIO.WritePng(rain, Path.Combine(rainy, $"rain-{i}.png"));
                using var other = SyntheticRain.Scene(g, 72);
                ImageIO.WritePng(other, Path.Combine(clean, $"clean-{i}.png"));
            }
        }
        var r = Run("WrapYourOwnMethod", rainy, clean, Path.Combine(dir, "run"));
        Assert.Equal(0, r.Code);
        Assert.Contains("done: 40 steps, stage 2 from 20", r.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "run", "log.jsonl")));
    }
}
