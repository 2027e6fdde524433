namespace Rgsud.Strategy;

/// <summary>The trainer's own part of a checkpoint (<c>trainer.json</c>).</summary>
internal sealed class TrainerState
{
    public int Version { get; set; } = 1;

    public long Step { get; set; }

    public long? Stage2StartStep { get; set; }

    public ulong SamplerState { get; set; }

    public string TorchRngState { get; set; } = "";

    public long SkippedUpdates { get; set; }

    public int ConsecutiveSkippedSteps { get; set; }

    public bool InputsScored { get; set; }

    public List<double[]> PlateauPasses { get; set; } = [];

    public string Strategy { get; set; } = "";

    public string Method { get; set; } = "";

    public long Seed { get; set; }
}
