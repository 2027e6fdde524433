namespace Rgsud.Core.Tests.Weights;

/// <summary>A state dict entry for <see cref="TorchZip"/>: a float32 tensor viewing storage <paramref name="Key"/>.</summary>
/// <param name="Name">The state dict key.</param>
/// <param name="Key">The storage's archive key (<c>data/KEY</c>).</param>
/// <param name="Storage">The storage's values.</param>
/// <param name="Shape">The tensor's size.</param>
/// <param name="Stride">The tensor's strides.</param>
/// <param name="Offset">The storage offset.</param>
/// <param name="StorageType">The torch storage class.</param>
/// <param name="DeclaredElements">The element count written in the persistent id (default: the storage's length).</param>
internal sealed record TorchZipEntry(string Name, string Key, float[] Storage, long[] Shape, long[] Stride, long Offset = 0,
    string StorageType = "FloatStorage", long? DeclaredElements = null);
