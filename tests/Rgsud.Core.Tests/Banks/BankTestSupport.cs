using Rgsud.Abstractions;
using Rgsud.Runtime;
using Rgsud.Strategy.Banks;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Banks;

/// <summary>Helpers shared by the bank tests.</summary>
internal static class BankTestSupport
{
    /// <summary>Creates a bank of <paramref name="kind"/>; a disk bank lives in <paramref name="dir"/>/bank.</summary>
    public static IRewardBank Create(BankKind kind, BankTempDirectory dir, ScoreDirection direction, bool guard = true, int cache = 64, string name = "bank") =>
        kind == BankKind.Memory
            ? new InMemoryRewardBank(direction, guard)
            : new DiskRewardBank(dir.Sub(name), direction, guard, cache);

    /// <summary>A [1,3,H,W] float32 tensor v/255 from HWC bytes.</summary>
    public static Tensor FromHwc(byte[] hwc, int width, int height)
    {
        RgsudRuntime.EnsureInitialized();
        var data = new float[hwc.Length];
        int plane = height * width;
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++) data[c * plane + i] = hwc[i * 3 + c] / 255f;
        }

        return torch.tensor(data, new long[] { 1, 3, height, width });
    }

    /// <summary>Random HWC bytes.</summary>
    public static byte[] RandomHwc(int width, int height, int seed)
    {
        var bytes = new byte[width * height * 3];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// An image whose first pixel encodes <paramref name="tag"/> (R = low byte, G = next byte, B = third byte)
    /// and whose other pixels are a pattern of the tag, so a stored reward identifies the offer it came from.
    /// </summary>
    public static byte[] TaggedHwc(int tag, int width, int height)
    {
        var bytes = new byte[width * height * 3];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(tag * 31 + i * 7);
        bytes[0] = (byte)tag;
        bytes[1] = (byte)(tag >> 8);
        bytes[2] = (byte)(tag >> 16);
        return bytes;
    }

    /// <summary>The tag written by <see cref="TaggedHwc"/>.</summary>
    public static int Tag(byte[] hwc) => hwc[0] | (hwc[1] << 8) | (hwc[2] << 16);

    /// <summary>A [1,3,H,W] (or [N..]) float tensor in [0,1] as HWC bytes round(v·255).</summary>
    public static byte[] Hwc(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        var t = image.dim() == 4 ? image[0] : image;
        var values = t.permute(1, 2, 0).contiguous().data<float>().ToArray();
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i] * 255f;
            int b = (int)MathF.Round(v);
            if (MathF.Abs(v - b) > 1e-3f || b is < 0 or > 255) throw new InvalidOperationException($"value {values[i]} is not k/255");
            bytes[i] = (byte)b;
        }

        return bytes;
    }

    /// <summary>The stored reward's bytes, or null.</summary>
    public static byte[]? RewardBytes(IRewardBank bank, string id)
    {
        using var t = bank.ReadReward(id);
        return t is null ? null : Hwc(t);
    }

    /// <summary>Same shape and bit-identical float32 values.</summary>
    public static bool SameValues(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var ca = a.contiguous();
        using var cb = b.contiguous();
        return ca.data<float>().ToArray().AsSpan().SequenceEqual(cb.data<float>().ToArray());
    }

    /// <summary>Same double, bit for bit (any NaN equals any NaN).</summary>
    public static bool SameDouble(double? a, double? b) =>
        a is null ? b is null
        : b is not null && (double.IsNaN(a.Value) ? double.IsNaN(b.Value) : BitConverter.DoubleToInt64Bits(a.Value) == BitConverter.DoubleToInt64Bits(b.Value));

    /// <summary>Asserts two banks hold the same slots (bit-exact scores) and the same reward bytes.</summary>
    public static void AssertSameContents(IRewardBank expected, IRewardBank actual)
    {
        var a = expected.GetSlots();
        var b = actual.GetSlots();
        Assert.Equal(a.Select(s => s.Id), b.Select(s => s.Id));
        for (int i = 0; i < a.Count; i++)
        {
            Assert.True(SameDouble(a[i].Score, b[i].Score), $"{a[i].Id}: score {a[i].Score} vs {b[i].Score}");
            Assert.True(SameDouble(a[i].InputScore, b[i].InputScore), $"{a[i].Id}: input {a[i].InputScore} vs {b[i].InputScore}");
            Assert.Equal(a[i].Step, b[i].Step);
            Assert.Equal(a[i].Width, b[i].Width);
            Assert.Equal(a[i].Height, b[i].Height);
            Assert.Equal(RewardBytes(expected, a[i].Id), RewardBytes(actual, b[i].Id));
        }
    }

    /// <summary>Utility (higher is better) written independently of ScoreOrdering.</summary>
    public static double Utility(double score, ScoreDirection direction) => direction == ScoreDirection.HigherIsBetter ? score : -score;
}
