using Rgsud.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Perceptual;

/// <summary>
/// BasicSR's <c>PerceptualLoss</c> with an L1 criterion: <c>weight · Σₖ wₖ · L1(φₖ(prediction), φₖ(target))</c>
/// over VGG19 layers φₖ (before ReLU, ImageNet-normalised input), the target's features taken as constants. The
/// defaults are CSUD's: <c>conv1_2</c> 0.1, <c>conv2_2</c> 0.1, <c>conv3_4</c> 1, <c>conv4_4</c> 1,
/// <c>conv5_4</c> 1, weight 0.2. The VGG19 is frozen (evaluation mode, no gradients for its weights); gradients
/// flow to the prediction.
/// </summary>
public sealed class PerceptualLoss : IDisposable
{
    /// <summary>CSUD's layer weights.</summary>
    public static IReadOnlyDictionary<string, double> CsudLayerWeights { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["conv1_2"] = 0.1, ["conv2_2"] = 0.1, ["conv3_4"] = 1, ["conv4_4"] = 1, ["conv5_4"] = 1,
    };

    private readonly Vgg19Features network;
    private readonly L1Loss l1 = new();
    private bool disposed;

    /// <summary>Creates the loss around a VGG19 whose weights are loaded (the loss takes ownership and freezes it).</summary>
    /// <param name="network">The feature network, with pretrained weights.</param>
    /// <param name="weight">The overall weight (CSUD: 0.2).</param>
    /// <param name="layerWeights">Layer → weight; null for <see cref="CsudLayerWeights"/>.</param>
    /// <exception cref="ArgumentException">A layer is unknown or a weight is negative or not finite.</exception>
    public PerceptualLoss(Vgg19Features network, double weight = 0.2, IReadOnlyDictionary<string, double>? layerWeights = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!(weight >= 0) || !double.IsFinite(weight))
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "the perceptual weight must be non-negative and finite");
        LayerWeights = new Dictionary<string, double>(layerWeights ?? CsudLayerWeights, StringComparer.Ordinal);
        foreach (var (layer, w) in LayerWeights)
        {
            if (!network.LayerNames.Contains(layer))
                throw new ArgumentException($"unknown VGG19 layer '{layer}'; known layers: {string.Join(", ", network.LayerNames)}", nameof(layerWeights));
            if (!(w >= 0) || !double.IsFinite(w))
                throw new ArgumentException($"the weight of layer '{layer}' must be non-negative and finite, got {w}", nameof(layerWeights));
        }
        this.network = network;
        Weight = weight;
        network.eval();
        foreach (var p in network.parameters()) p.requires_grad = false;
    }

    /// <summary>Loads torchvision VGG19 weights (safetensors) and creates the loss.</summary>
    /// <exception cref="RgsudWeightsException">The file is not a usable VGG19 state dict.</exception>
    public static PerceptualLoss Load(string vgg19WeightsPath, Device? device = null, double weight = 0.2,
        IReadOnlyDictionary<string, double>? layerWeights = null)
    {
        var network = new Vgg19Features();
        try
        {
            network.Load(vgg19WeightsPath);
            network.to(device ?? CPU);
            return new PerceptualLoss(network, weight, layerWeights);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The overall weight.</summary>
    public double Weight { get; }

    /// <summary>The layer weights.</summary>
    public IReadOnlyDictionary<string, double> LayerWeights { get; }

    /// <summary>The weighted loss (a scalar) of <paramref name="prediction"/> against <paramref name="target"/>.</summary>
    public Tensor Forward(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = NewDisposeScope();
        var layers = LayerWeights.Keys.ToList();
        var predicted = network.Extract(prediction, layers);
        IReadOnlyDictionary<string, Tensor> expected;
        using (no_grad()) expected = network.Extract(target, layers);
        Tensor total = zeros([], dtype: prediction.dtype, device: prediction.device);
        foreach (var (layer, w) in LayerWeights)
            total = total + l1.Forward(predicted[layer], expected[layer].detach()) * w;
        return (total * Weight).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        network.Dispose();
    }
}
