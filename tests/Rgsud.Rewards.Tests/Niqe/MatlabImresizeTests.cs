using Rgsud.Rewards.Niqe;

namespace Rgsud.Rewards.Tests.Niqe;

public sealed class MatlabImresizeTests
{
    [Fact]
    public void Half_OfA4x4SeparableMatrix_MatchesTheHandDerivedWeights()
    {
        // Scale 0.5 with antialiasing: kernel 0.5·cubic(0.5·d), taps at d = ±0.5, ±1.5, ±2.5, ±3.5 give
        // ±0.43359375, 0.11328125, −0.03515625, −0.01171875 (sum 1). Mirrored indices (aux = [1 2 3 4 4 3 2 1]) fold
        // them onto [a b c d] as out₁ = 0.546875a + 0.3984375b + 0.1015625c − 0.046875d and out₂ symmetrically.
        double[] r = [1, 2, 3, 4], c = [4, 3, 2, 1];
        var m = new double[4, 4];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) m[i, j] = r[i] * c[j];
        var o = MatlabImresize.Resize(m, 0.5);
        double[] rr = [1.4609375, 3.5390625], cc = [3.5390625, 1.4609375];
        Assert.Equal(2, o.GetLength(0));
        Assert.Equal(2, o.GetLength(1));
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) Assert.Equal(rr[i] * cc[j], o[i, j], 14);
    }

    [Fact]
    public void Weights_AreNormalisedAndTheKernelHas8TapsAtHalfScale()
    {
        var table = MatlabImresize.Contributions(480, 240, 0.5, antialiasing: true);
        Assert.Equal(8, table.Taps); // 10 candidate taps, the two all-zero end columns dropped as MATLAB does
        for (int i = 0; i < 240; i++)
        {
            double sum = 0;
            for (int t = 0; t < table.Taps; t++)
            {
                sum += table.Weights[i * table.Taps + t];
                Assert.InRange(table.Indices[i * table.Taps + t], 0, 479);
            }
            Assert.Equal(1.0, sum, 14);
        }
        var noAa = MatlabImresize.Contributions(480, 240, 0.5, antialiasing: false);
        Assert.Equal(4, noAa.Taps);
    }

    [Theory]
    [InlineData(0.5, true)]
    [InlineData(0.5, false)]
    [InlineData(2.0, true)]
    [InlineData(0.75, true)]
    public void ConstantImage_StaysConstant(double scale, bool antialiasing)
    {
        var m = new double[13, 10];
        for (int i = 0; i < 13; i++) for (int j = 0; j < 10; j++) m[i, j] = 117;
        var o = MatlabImresize.Resize(m, scale, antialiasing);
        Assert.Equal((int)Math.Ceiling(13 * scale), o.GetLength(0));
        Assert.Equal((int)Math.Ceiling(10 * scale), o.GetLength(1));
        foreach (var v in o) Assert.Equal(117, v, 12);
    }

    [Fact]
    public void MirroredInput_GivesMirroredOutput()
    {
        var rng = new Random(4);
        int h = 24, w = 18;
        var m = new double[h, w];
        var flipped = new double[h, w];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++) m[i, j] = rng.NextDouble() * 255;
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++) flipped[i, j] = m[h - 1 - i, w - 1 - j];
        var a = MatlabImresize.Resize(m, 0.5);
        var b = MatlabImresize.Resize(flipped, 0.5);
        int oh = a.GetLength(0), ow = a.GetLength(1);
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) Assert.Equal(a[i, j], b[oh - 1 - i, ow - 1 - j], 10);
    }

    [Fact]
    public void Upscaling_ByTwo_KeepsLinearRampsInTheInterior()
    {
        // Keys' cubic reproduces linear functions; away from the mirrored borders an upscaled ramp stays a ramp.
        var m = new double[1, 20];
        for (int j = 0; j < 20; j++) m[0, j] = 3 * j;
        var o = MatlabImresize.Resize(m, 2.0);
        Assert.Equal(40, o.GetLength(1));
        for (int j = 4; j < 36; j++)
        {
            double u = (j + 1) / 2.0 + 0.5 * (1 - 1 / 2.0); // MATLAB's input coordinate (1-based)
            Assert.Equal(3 * (u - 1), o[0, j], 10);
        }
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => MatlabImresize.Resize(new double[2, 2], 0));
        Assert.Throws<ArgumentException>(() => MatlabImresize.Resize(new double[2, 2], double.NaN));
        Assert.Throws<ArgumentException>(() => MatlabImresize.Resize(new double[0, 2], 0.5));
    }
}
