using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rgsud.Abstractions;
using Rgsud.Data;
using Rgsud.Strategy;

namespace Rgsud.Hosting;

/// <summary>Builds <see cref="SelfReinforcementTrainer"/>s from the components registered with <c>AddRgsud</c>.</summary>
public sealed class SelfReinforcementTrainerFactory
{
    private readonly IRewardScorer scorer;
    private readonly IRewardBank bank;
    private readonly IPseudoPairSynthesizer synthesizer;
    private readonly ISelfReinforcementLoss loss;
    private readonly SelfReinforcementOptions options;
    private readonly ILoggerFactory loggerFactory;

    /// <summary>Created by the container.</summary>
    public SelfReinforcementTrainerFactory(IRewardScorer scorer, IRewardBank bank, IPseudoPairSynthesizer synthesizer,
        ISelfReinforcementLoss loss, IOptions<SelfReinforcementOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.scorer = scorer;
        this.bank = bank;
        this.synthesizer = synthesizer;
        this.loss = loss;
        this.options = options.Value;
        this.loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>The scorer in use.</summary>
    public IRewardScorer Scorer => scorer;

    /// <summary>The bank in use.</summary>
    public IRewardBank Bank => bank;

    /// <summary>The synthesizer in use.</summary>
    public IPseudoPairSynthesizer Synthesizer => synthesizer;

    /// <summary>The SR loss in use.</summary>
    public ISelfReinforcementLoss Loss => loss;

    /// <summary>A trainer wrapping <paramref name="method"/> on <paramref name="data"/>, writing to <paramref name="runDirectory"/>.</summary>
    public SelfReinforcementTrainer Create(IUnpairedMethod method, UnpairedImageDataset data, string? runDirectory = null) =>
        new(method, data, scorer, bank, synthesizer, loss, options, runDirectory, loggerFactory.CreateLogger<SelfReinforcementTrainer>());
}
