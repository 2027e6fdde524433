using static TorchSharp.torch;

namespace Rgsud.Data;

/// <summary>One training image held by an <see cref="UnpairedImageDataset"/>, as 8-bit RGB on the CPU.</summary>
public sealed class DatasetImage
{
    internal DatasetImage(string id, string path, Tensor pixels)
    {
        Id = id;
        Path = path;
        Pixels = pixels;
    }

    /// <summary>Stable id: the path relative to its root, with '/' separators (the reward bank's key).</summary>
    public string Id { get; }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>uint8 <c>[3,H,W]</c> CPU tensor (owned by the dataset).</summary>
    public Tensor Pixels { get; }

    /// <summary>Height in pixels.</summary>
    public int Height => (int)Pixels.shape[1];

    /// <summary>Width in pixels.</summary>
    public int Width => (int)Pixels.shape[2];

    /// <summary>The whole image as a new float32 <c>[1,3,H,W]</c> tensor in [0,1].</summary>
    public Tensor ToFloat() => Pixels.unsqueeze(0).to(float32).div_(255);
}
