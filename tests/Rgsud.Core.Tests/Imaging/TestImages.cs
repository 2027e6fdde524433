using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Imaging;

/// <summary>Small helpers that build test images and read tensors back as 8-bit values.</summary>
internal static class TestImages
{
    /// <summary>Random 8-bit RGB values, HWC order.</summary>
    public static byte[] RandomHwc(int height, int width, int seed)
    {
        var bytes = new byte[height * width * 3];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A [1,3,H,W] float32 tensor v/255 from HWC bytes.</summary>
    public static Tensor TensorFromHwc(byte[] hwc, int height, int width)
    {
        var data = new float[hwc.Length];
        int plane = height * width;
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++) data[c * plane + i] = hwc[i * 3 + c] / 255f;
        }

        return torch.tensor(data, new long[] { 1, 3, height, width });
    }

    /// <summary>The tensor's values times 255, rounded, in HWC order (as the PNG holds them).</summary>
    public static byte[] Hwc(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        var t = image.dim() == 4 ? image[0] : image;
        return t.mul(255).round().to_type(ScalarType.Byte).permute(1, 2, 0).contiguous().data<byte>().ToArray();
    }

    /// <summary>The tensor's values as a flat float array in logical NCHW order.</summary>
    public static float[] Values(Tensor image)
    {
        using var c = image.contiguous();
        return c.data<float>().ToArray();
    }

    /// <summary>CRC-32 (PNG's polynomial) of the bytes.</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }

        return crc ^ 0xFFFFFFFFu;
    }

    /// <summary>A PNG consisting of the signature and an IHDR chunk only (no pixel data), with a correct CRC.</summary>
    public static byte[] HeaderOnlyPng(uint width, uint height)
    {
        var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var chunk = new byte[4 + 13];
        "IHDR"u8.CopyTo(chunk);
        WriteBigEndian(chunk.AsSpan(4), width);
        WriteBigEndian(chunk.AsSpan(8), height);
        chunk[12] = 8; // bit depth
        chunk[13] = 2; // colour type RGB
        chunk[14] = 0; // compression
        chunk[15] = 0; // filter
        chunk[16] = 0; // interlace
        var length = new byte[4];
        WriteBigEndian(length, 13);
        ms.Write(length);
        ms.Write(chunk);
        var crc = new byte[4];
        WriteBigEndian(crc, Crc32(chunk));
        ms.Write(crc);
        return ms.ToArray();
    }

    private static void WriteBigEndian(Span<byte> dst, uint value)
    {
        dst[0] = (byte)(value >> 24);
        dst[1] = (byte)(value >> 16);
        dst[2] = (byte)(value >> 8);
        dst[3] = (byte)value;
    }
}
