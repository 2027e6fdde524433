using Rgsud.Rewards.DaClip;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Tests.DaClip;

/// <summary>Small random DA-CLIP models (the real shape is 731 MB): same code path, seconds to build and save.</summary>
internal static class DaClipTestModels
{
    /// <summary>224 px, patch 32 (50 tokens) as ViT-B/32, but width 64, 2 layers, 4 heads, output 32.</summary>
    public static DaClipConfig Tiny { get; } = new() { PatchSize = 32, Width = 64, Layers = 2, Heads = 4, OutputDim = 32 };

    /// <summary>
    /// A random model with deterministic weights for <paramref name="seed"/>; with <paramref name="randomTaps"/> the
    /// controller's zero-initialised taps get random values too (so the control path matters). The global torch RNG
    /// is restored.
    /// </summary>
    public static DaClipModel Random(int seed = 1, bool randomTaps = true, DaClipConfig? config = null, IReadOnlyList<string>? words = null)
    {
        var saved = torch.get_rng_state();
        try
        {
            torch.manual_seed(seed);
            var model = new DaClipModel(config ?? Tiny, words);
            if (randomTaps)
            {
                using var noGrad = no_grad();
                foreach (var (name, p) in model.named_parameters())
                    if (name.Contains(".zero_modules.", StringComparison.Ordinal)) p.normal_(0, 0.05);
            }
            model.Freeze();
            return model;
        }
        finally
        {
            torch.set_rng_state(saved);
            saved.Dispose();
        }
    }

    /// <summary>A random model saved in Rgsud's DA-CLIP format at <paramref name="path"/>.</summary>
    public static void SaveRandom(string path, int seed = 1)
    {
        using var model = Random(seed);
        model.Save(path);
    }

    /// <summary>Same shape and bit-identical values.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }

    /// <summary>Normalised random tower inputs <c>[n,3,224,224]</c> (deterministic).</summary>
    public static Tensor Inputs(int n, int seed = 7)
    {
        var generator = new Generator((ulong)seed);
        return randn(new long[] { n, 3, DaClipConfig.ImageSize, DaClipConfig.ImageSize }, generator: generator);
    }

    /// <summary>Different deterministic RGB images <c>[n,3,h,w]</c> in [0,1].</summary>
    public static Tensor Images(int n, int h, int w, int seed = 3)
    {
        var list = Enumerable.Range(0, n).Select(i => TestImages.Synthetic(h, w, seed + i)).ToArray();
        try
        {
            return cat(list, 0);
        }
        finally
        {
            foreach (var t in list) t.Dispose();
        }
    }
}
