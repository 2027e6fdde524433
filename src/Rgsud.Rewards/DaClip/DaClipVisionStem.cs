using Rgsud.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>The input and output ends shared by both image towers (open_clip <c>VisionTransformer.forward</c>).</summary>
internal static class DaClipVisionStem
{
    /// <summary>
    /// Patch embedding: <c>conv1</c> (stride = patch, no bias) on the normalised images, the class token
    /// <c>class_embedding</c> in front of the row-major patch tokens, plus <c>positional_embedding</c>, then <c>ln_pre</c>.
    /// Returns tokens <c>[N, 1 + grid², W]</c>.
    /// </summary>
    public static Tensor Embed(Tensor images, DaClipConfig config, Conv2d conv1, Parameter classEmbedding, Parameter positionalEmbedding, LayerNorm lnPre)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[2] != DaClipConfig.ImageSize || images.shape[3] != DaClipConfig.ImageSize)
            throw new ArgumentException($"DA-CLIP's towers take normalised images [N,3,{DaClipConfig.ImageSize},{DaClipConfig.ImageSize}], " +
                $"got [{string.Join(",", images.shape)}] (use DaClipPreprocessing.Apply)", nameof(images));
        if (images.dtype != ScalarType.Float32)
            throw new ArgumentException($"DA-CLIP's towers take float32 images, got {images.dtype}", nameof(images));
        using var scope = NewDisposeScope();
        long n = images.shape[0];
        // Channels-last activations for the convolution (docs: NUMERICS); its NHWC output makes the token view free.
        var patches = conv1.call(TensorLayout.ToPreferred(images));
        var tokens = patches.permute(0, 2, 3, 1).reshape(n, (long)config.GridSize * config.GridSize, config.Width);
        var cls = classEmbedding.view(1, 1, config.Width).expand(n, 1, config.Width);
        var sequence = cat([cls, tokens], 1) + positionalEmbedding;
        return lnPre.call(sequence).MoveToOuterDisposeScope();
    }

    /// <summary>The class token of <paramref name="tokens"/> through <c>ln_post</c>, projected by <c>proj</c>: <c>[N, OutputDim]</c>.</summary>
    public static Tensor Pool(Tensor tokens, LayerNorm lnPost, Parameter proj)
    {
        using var scope = NewDisposeScope();
        return lnPost.call(tokens.select(1, 0)).matmul(proj).MoveToOuterDisposeScope();
    }

    /// <summary>open_clip's initialisation of the embeddings and the projection: <c>W^-½ · randn</c>.</summary>
    public static Parameter ScaledRandom(DaClipConfig config, params long[] shape)
    {
        using var r = randn(shape);
        return new Parameter(r.mul(Math.Pow(config.Width, -0.5)));
    }
}
