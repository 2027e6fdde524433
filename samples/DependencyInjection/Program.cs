// Rgsud in a .NET generic host: options bound from configuration (appsettings.json, environment variables, command
// line) and validated when the host starts; the scorer is yours, the SR loss is swapped, the rest are the defaults.
// Usage: dotnet run -- [--Rgsud:Iterations=200] [--Rgsud:CropSize=64] ...   (docs/dependency-injection.md)
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Rgsud.Abstractions;
using Rgsud.Data;
using Rgsud.Hosting;
using Rgsud.Networks;
using Rgsud.Networks.Methods.Csud;
using Rgsud.Strategy;
using Rgsud.Strategy.SelfReinforcementLosses;
using TorchSharp;
using static TorchSharp.torch;

// appsettings.json is read from the app's folder, so the sample runs from anywhere.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services
    .AddRgsud(builder.Configuration.GetSection(RgsudServiceCollectionExtensions.ConfigurationSectionName))
    // Your components: registered before or after AddRgsud, they replace the defaults.
    .AddSingleton<IRewardScorer, HighFrequencyScorer>()
    .AddSingleton<ISelfReinforcementLoss>(sp =>
        new CharbonnierSelfReinforcementLoss(sp.GetRequiredService<IOptions<SelfReinforcementOptions>>().Value.Lambda2));

using var host = builder.Build();
try
{
    await host.StartAsync(); // validates the "Rgsud" section: a bad value stops here, listing every broken rule
}
catch (OptionsValidationException e)
{
    Console.Error.WriteLine("invalid Rgsud configuration:" + string.Concat(e.Failures.Select(f => Environment.NewLine + "  " + f)));
    return 2;
}
catch (InvalidOperationException e) when (e.Message.Contains(nameof(SelfReinforcementOptions), StringComparison.Ordinal))
{
    Console.Error.WriteLine("invalid Rgsud configuration: " + e.Message); // a misspelt key or a value of the wrong type
    return 2;
}

var factory = host.Services.GetRequiredService<SelfReinforcementTrainerFactory>();
Console.WriteLine($"scorer {factory.Scorer.Name}, bank {factory.Bank.GetType().Name}, synthesizer {factory.Synthesizer.GetType().Name}, loss {factory.Loss.Name}");

manual_seed(3);
using var data = UnpairedImageDataset.FromTensors(
    [.. Enumerable.Range(0, 6).Select(i => ($"rainy-{i}", Synthetic.Rainy(Synthetic.Scene())))],
    [.. Enumerable.Range(0, 6).Select(i => ($"clean-{i}", Synthetic.Scene()))]);
using var method = new CsudMethod(CsudOptions.Small, DerainerRegistry.Create("nafnet-small"));
var result = factory.Create(method, data).Train(cancellationToken: host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
Console.WriteLine($"trained {result.StepsCompleted} steps; stage 2 from {result.Stage2StartStep}; reward bank {result.Bank?.Filled}/{result.Bank?.Slots}");
await host.StopAsync();
return 0;

/// <summary>Your scorer: rain streaks are high-frequency, so less high-frequency energy is better.</summary>
sealed class HighFrequencyScorer : IRewardScorer
{
    public string Name => "high-frequency";

    public ScoreDirection Direction => ScoreDirection.LowerIsBetter;

    public Tensor Score(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = images.to(float64);
        var blurred = nn.functional.avg_pool2d(nn.functional.pad(x, [1, 1, 1, 1], PaddingModes.Replicate), 3, 1);
        return (x - blurred).abs().mean([1, 2, 3]).cpu().MoveToOuterDisposeScope();
    }
}

/// <summary>Toy data: smooth scenes; rain = bright diagonal streaks.</summary>
static class Synthetic
{
    public static Tensor Scene() =>
        nn.functional.interpolate(rand(1, 3, 6, 6), [64, 64], mode: InterpolationMode.Bilinear, align_corners: true) * 0.7 + 0.15;

    public static Tensor Rainy(Tensor scene) =>
        (scene + nn.functional.conv2d((rand(1, 1, 64, 64) > 0.99).to(float32), eye(9).reshape(1, 1, 9, 9), padding: [4, 4]) * 0.5).clamp(0, 1);
}
