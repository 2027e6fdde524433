using Rgsud.Runtime;
using Rgsud.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Perceptual;

/// <summary>
/// The convolutional part of torchvision's VGG19 (<c>vgg19().features</c>, indices 0–34, up to <c>conv5_4</c>),
/// with the state-dict names of torchvision (<c>features.0.weight</c> … <c>features.34.bias</c>) so that a
/// converted <c>vgg19-dcbb9e9d.pth</c> loads; the classifier is not built and its tensors are ignored on load.
/// Features are taken before the ReLU that follows a convolution, as BasicSR's <c>VGGFeatureExtractor</c> names
/// them (<c>conv1_2</c>, <c>conv3_4</c>, …), on an input normalised with the ImageNet mean and standard deviation.
/// </summary>
/// <remarks>20,024,384 parameters (VGG19's 143,667,240 minus the classifier's 123,642,856).</remarks>
public sealed class Vgg19Features : Module<Tensor, Tensor>
{
    private static readonly int[][] Blocks = [[64, 64], [128, 128], [256, 256, 256, 256], [512, 512, 512, 512], [512, 512, 512, 512]];
    private static readonly double[] Mean = [0.485, 0.456, 0.406];
    private static readonly double[] Std = [0.229, 0.224, 0.225];

#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Sequential features;
#pragma warning restore IDE1006
    private readonly Dictionary<string, int> layerIndex = new(StringComparer.Ordinal);

    /// <summary>Creates the network with freshly initialised (not pretrained) weights; load weights with <see cref="Load"/>.</summary>
    public Vgg19Features() : base(nameof(Vgg19Features))
    {
        RgsudRuntime.EnsureInitialized();
        features = Sequential();
        long inChannels = 3;
        var index = 0;
        for (var block = 0; block < Blocks.Length; block++)
        {
            if (block > 0)
            {
                features.append(MaxPool2d(kernel_size: 2, stride: 2));
                index++;
            }
            for (var conv = 0; conv < Blocks[block].Length; conv++)
            {
                features.append(Conv2d(inChannels, Blocks[block][conv], kernel_size: 3, padding: 1));
                layerIndex[$"conv{block + 1}_{conv + 1}"] = index;
                inChannels = Blocks[block][conv];
                index++;
                // The ReLU after conv5_4 (index 35) is not needed by any layer this class exposes.
                if (block < Blocks.Length - 1 || conv < Blocks[block].Length - 1)
                {
                    features.append(ReLU());
                    index++;
                }
            }
        }
        RegisterComponents();
    }

    /// <summary>The layer names this network exposes (<c>conv1_1</c> … <c>conv5_4</c>), in order.</summary>
    public IReadOnlyCollection<string> LayerNames => layerIndex.Keys;

    /// <summary>Runs the whole network; the result is <c>conv5_4</c>'s output (before its ReLU).</summary>
    public override Tensor forward(Tensor input) => Extract(input, ["conv5_4"])["conv5_4"];

    /// <summary>
    /// The outputs of the named convolutions (before their ReLU) for images in [0, 1]; the network runs only as far
    /// as the deepest layer asked for.
    /// </summary>
    /// <param name="images"><c>[N, 3, H, W]</c> in [0, 1].</param>
    /// <param name="layers">Names from <see cref="LayerNames"/>.</param>
    /// <exception cref="ArgumentException">A layer name is unknown or the images are not <c>[N, 3, H, W]</c>.</exception>
    public IReadOnlyDictionary<string, Tensor> Extract(Tensor images, IReadOnlyCollection<string> layers)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(layers);
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"VGG19 needs [N, 3, H, W] images, got [{string.Join(", ", images.shape)}]", nameof(images));
        var wanted = new Dictionary<int, string>();
        foreach (var name in layers)
        {
            if (!layerIndex.TryGetValue(name, out var i))
                throw new ArgumentException($"unknown VGG19 layer '{name}'; known layers: {string.Join(", ", layerIndex.Keys)}", nameof(layers));
            wanted[i] = name;
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (wanted.Count == 0) return result;

        var last = wanted.Keys.Max();
        using var mean = tensor(Mean, dtype: images.dtype, device: images.device).reshape(1, 3, 1, 1);
        using var std = tensor(Std, dtype: images.dtype, device: images.device).reshape(1, 3, 1, 1);
        var x = (images - mean) / std;
        var index = 0;
        foreach (var layer in features.children())
        {
            x = ((Module<Tensor, Tensor>)layer).call(x);
            if (wanted.TryGetValue(index, out var name)) result[name] = x;
            if (index == last) break;
            index++;
        }
        return result;
    }

    /// <summary>
    /// Loads torchvision VGG19 weights from a safetensors file (convert <c>vgg19-dcbb9e9d.pth</c>: see
    /// docs/weights.md). Every <c>features.*</c> tensor must be present with its shape; <c>classifier.*</c> tensors
    /// are ignored; anything else is an error.
    /// </summary>
    /// <exception cref="RgsudWeightsException">The file is malformed or lacks, or mismatches, a feature tensor.</exception>
    public void Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var header = SafeTensors.ReadHeader(path);
        var foreign = header.Tensors.Select(t => t.Name)
            .Where(n => !n.StartsWith("features.", StringComparison.Ordinal) && !n.StartsWith("classifier.", StringComparison.Ordinal))
            .ToList();
        if (foreign.Count > 0)
            throw new RgsudWeightsException(path, $"is not a torchvision VGG19 state dict: unexpected tensors {string.Join(", ", foreign.Take(5))}", [], foreign, []);
        var result = ModuleWeights.Load(this, path, strict: false);
        if (result.Missing.Count > 0)
            throw new RgsudWeightsException(path, $"lacks VGG19 feature tensors: {string.Join(", ", result.Missing.Take(5))}", result.Missing, [], []);
        var unexpectedFeatures = result.Unexpected.Where(n => n.StartsWith("features.", StringComparison.Ordinal)).ToList();
        if (unexpectedFeatures.Count > 0)
            throw new RgsudWeightsException(path, $"has feature tensors VGG19 does not have: {string.Join(", ", unexpectedFeatures.Take(5))}", [], unexpectedFeatures, []);
    }
}
