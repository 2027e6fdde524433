using Rgsud.Cli.Commands;
using Rgsud.Cli.Output;

namespace Rgsud.IntegrationTests;

/// <summary>The ablation's child processes get their arm as <c>rgsud train</c> arguments: they must parse back into the same request.</summary>
public sealed class TrainArgumentsTests
{
    private static readonly CliConsole Quiet = new(TextWriter.Null, TextWriter.Null, interactive: false);

    private static TrainRequest Full() => new(
        "rainy dir", "clean", "out/run", "cyclegan", "prenet", "none", "ensemble:niqe+critic", "m.npz", 7, 1.5, 3, 4, 48, 2, 42, "cpu", "paper",
        true, "fail", "between", 5, 11, 3e-4, 0.05, 0.7, 9, 3, 6)
    {
        DaclipWeights = "d.safetensors",
        Vgg19Weights = "v.safetensors",
        CriticWarmup = 250,
        Stage2MinImproved = 0.65,
    };

    private static TrainRequest Minimal() => new(
        "r", "c", "o", "csud", null, "rgsud", "niqe", null, null, null, null, null, null, null, 0, "cpu", "cpu", false, "skip", "off", null);

    [Fact]
    public void Every_field_survives_the_round_trip()
    {
        foreach (var request in new[] { Full(), Minimal() })
        {
            var parsed = TrainCommand.Create(Quiet).Parse(TrainArguments.For(request).Skip(1).ToArray());
            Assert.Empty(parsed.Errors);
            Assert.Equal(request, TrainCommand.RequestFrom(parsed));
        }
    }

    [Fact]
    public void Every_train_option_is_passed_on()
    {
        // A new `rgsud train` option that TrainArguments forgets would silently fall back to its default in the arms.
        var args = TrainArguments.For(Full());
        foreach (var option in TrainCommand.Create(Quiet).Options)
            Assert.Contains(option.Name, args);
    }
}
