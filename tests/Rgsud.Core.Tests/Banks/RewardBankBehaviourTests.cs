using Rgsud.Abstractions;
using Rgsud.Strategy.Banks;
using TorchSharp;
using static Rgsud.Core.Tests.Banks.BankTestSupport;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Banks;

/// <summary>Statistics, crops, quantisation and candidate handling, for both banks.</summary>
public sealed class RewardBankBehaviourTests : IDisposable
{
    private readonly BankTempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(BankKind.Memory)]
    [InlineData(BankKind.Disk)]
    public void Statistics_count_filled_slots_mean_scores_and_the_last_pass(BankKind kind)
    {
        var bank = Create(kind, dir, ScoreDirection.HigherIsBetter);
        var empty = bank.GetStatistics();
        Assert.Equal((0, 0, 0, 0), (empty.Slots, empty.Filled, empty.OffersInLastPass, empty.AcceptedInLastPass));
        Assert.True(double.IsNaN(empty.MeanScore));
        Assert.True(double.IsNaN(empty.MeanInputScore));
        Assert.True(double.IsNaN(empty.AcceptanceRate));

        bank.SetInputScore("a", 1);
        bank.SetInputScore("b", 3);
        bank.SetInputScore("c", double.NaN);
        using var img = FromHwc(TaggedHwc(1, 3, 2), 3, 2);
        Assert.True(bank.Offer("a", img, 2, 1));
        Assert.False(bank.Offer("b", img, 2, 1));
        Assert.True(bank.Offer("d", img, 6, 1));
        Assert.False(bank.Offer("d", img, double.NaN, 2));
        var s = bank.GetStatistics();
        Assert.Equal(4, s.Slots);
        Assert.Equal(2, s.Filled);
        Assert.Equal(4.0, s.MeanScore);
        Assert.Equal(2.0, s.MeanInputScore);
        Assert.Equal(4, s.OffersInLastPass);
        Assert.Equal(2, s.AcceptedInLastPass);
        Assert.Equal(0.5, s.AcceptanceRate);

        bank.BeginPass();
        s = bank.GetStatistics();
        Assert.Equal((4, 2, 0, 0), (s.Slots, s.Filled, s.OffersInLastPass, s.AcceptedInLastPass));
        Assert.True(bank.Offer("b", img, 3.5, 3));
        Assert.False(bank.Offer("a", img, 2, 3));
        s = bank.GetStatistics();
        Assert.Equal((3, 2, 1), (s.Filled, s.OffersInLastPass, s.AcceptedInLastPass));
        Assert.Equal((2 + 6 + 3.5) / 3, s.MeanScore);
    }

    [Theory]
    [InlineData(BankKind.Memory)]
    [InlineData(BankKind.Disk)]
    public void Crops_equal_the_full_reward_sliced(BankKind kind)
    {
        var bank = Create(kind, dir, ScoreDirection.LowerIsBetter, cache: 0);
        const int w = 37, h = 23;
        var hwc = RandomHwc(w, h, seed: 3);
        using (var t = FromHwc(hwc, w, h)) Assert.True(bank.Offer("x/img.png", t, -1, 9));
        using var full = bank.ReadReward("x/img.png")!;
        Assert.Equal(new long[] { 1, 3, h, w }, full.shape);
        Assert.Equal(ScalarType.Float32, full.dtype);
        Assert.Equal(DeviceType.CPU, full.device_type);
        Assert.True(full.is_contiguous());
        Assert.Equal(hwc, Hwc(full));

        var rng = new Random(4);
        for (int i = 0; i < 40; i++)
        {
            int cw = rng.Next(1, w + 1), ch = rng.Next(1, h + 1);
            var box = new CropBox(rng.Next(0, w - cw + 1), rng.Next(0, h - ch + 1), cw, ch);
            using var crop = bank.ReadRewardCrop("x/img.png", box)!;
            using var slice = full[.., .., TensorIndex.Slice(box.Y, box.Y + ch), TensorIndex.Slice(box.X, box.X + cw)];
            Assert.Equal(new long[] { 1, 3, ch, cw }, crop.shape);
            Assert.True(crop.is_contiguous());
            Assert.True(SameValues(crop, slice), $"crop {box} differs");
        }
    }

    [Theory]
    [InlineData(BankKind.Memory, -1, 0, 2, 2)]
    [InlineData(BankKind.Memory, 0, 0, 6, 1)]
    [InlineData(BankKind.Disk, 4, 3, 2, 1)]
    [InlineData(BankKind.Disk, 0, 0, 0, 1)]
    [InlineData(BankKind.Disk, 1, 1, int.MaxValue, 1)]
    public void A_crop_outside_the_image_names_the_id_box_and_size(BankKind kind, int x, int y, int width, int height)
    {
        var bank = Create(kind, dir, ScoreDirection.HigherIsBetter);
        using (var t = FromHwc(TaggedHwc(0, 5, 4), 5, 4)) bank.Offer("dir/pic.png", t, 1, 0);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => bank.ReadRewardCrop("dir/pic.png", new CropBox(x, y, width, height)));
        Assert.Equal("box", e.ParamName);
        Assert.Contains("'dir/pic.png'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"x={x}, y={y}, width={width}, height={height}", e.Message, StringComparison.Ordinal);
        Assert.Contains("5x4", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BankKind.Memory)]
    [InlineData(BankKind.Disk)]
    public void Rewards_are_stored_as_8_bit_values_like_WritePng(BankKind kind)
    {
        var bank = Create(kind, dir, ScoreDirection.HigherIsBetter, cache: 0);
        RgsudRuntimeInit();
        using var t = torch.tensor(new float[] { 0.5f, 1.7f, -0.2f, float.NaN, 0.25f, 0.75f }, new long[] { 3, 1, 2 });
        Assert.True(bank.Offer("q", t, 1, 0));
        using var back = bank.ReadReward("q")!;
        var values = back.data<float>().ToArray();
        Assert.Equal(new[] { 128 / 255f, 1f, 0f, 0f, 64 / 255f, 191 / 255f }, values);

        // Identical to what ImageIO.WritePng writes for the same tensor.
        string png = Path.Combine(dir.Path, "same.png");
        Rgsud.Imaging.ImageIO.WritePng(t, png);
        using var written = Rgsud.Imaging.ImageIO.Read(png);
        Assert.True(SameValues(written, back));
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void Quantisation_matches_ImageIO_bit_for_bit(ScalarType dtype)
    {
        const int w = 64, h = 40;
        var rng = new Random(11);
        var values = new float[3 * w * h];
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, 1f, 1e-30f, -1e-30f, 0.5f / 255, 1.5f / 255, 254.5f / 255, 0.5f, 1.0000001f];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i % 4) switch
            {
                0 => special[rng.Next(special.Length)],
                1 => rng.Next(256) / 255f,
                2 => (rng.Next(255) + 0.5f) / 255f,
                _ => (float)(rng.NextDouble() * 2 - 0.5),
            };
        }

        var bank = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        RgsudRuntimeInit();
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(values, new long[] { 1, 3, h, w }).to_type(dtype);
        Assert.True(bank.Offer("q", t, 1, 0));
        using var expected = Rgsud.Imaging.ImageIO.ToImage(t);
        var expectedBytes = new byte[w * h * 3];
        expected.CopyPixelDataTo(expectedBytes);
        Assert.Equal(expectedBytes, RewardBytes(bank, "q"));
    }

    [Theory]
    [InlineData(BankKind.Memory)]
    [InlineData(BankKind.Disk)]
    public void Candidates_of_any_layout_dtype_and_size_are_accepted(BankKind kind)
    {
        var bank = Create(kind, dir, ScoreDirection.HigherIsBetter, guard: false);
        var hwc = RandomHwc(6, 5, seed: 9);
        using var scope = torch.NewDisposeScope();
        var nchw = FromHwc(hwc, 6, 5);
        var variants = new[]
        {
            nchw,
            nchw[0],
            Rgsud.Runtime.TensorLayout.ToChannelsLast(nchw),
            nchw.to_type(ScalarType.Float64),
            nchw.to_type(ScalarType.Float16),
            nchw.transpose(2, 3).contiguous().transpose(2, 3),
            nchw.requires_grad_(false).clone().requires_grad_(true),
        };

        // Views into a batch (non-zero storage offsets) in both layouts.
        var batch = torch.cat([torch.zeros_like(nchw), nchw, torch.ones_like(nchw)], 0);
        var batchCl = Rgsud.Runtime.TensorLayout.ToChannelsLast(batch);
        variants = [.. variants, batch[1], batchCl[1], batch[TensorIndex.Slice(1, 2)], batchCl[TensorIndex.Slice(1, 2)]];
        for (int i = 0; i < variants.Length; i++)
        {
            Assert.True(bank.Offer("v", variants[i], i + 1, i));
            Assert.Equal(hwc, RewardBytes(bank, "v"));
        }

        // A broadcast (zero-stride) tensor.
        using (var grey = torch.full(new long[] { 1, 1, 1 }, 0.5f).expand(3, 4, 7))
        {
            Assert.True(bank.Offer("grey", grey, 1, 0));
            Assert.All(RewardBytes(bank, "grey")!, b => Assert.Equal(128, b));
        }

        // A different size replaces the reward.
        var small = FromHwc(TaggedHwc(2, 2, 3), 2, 3);
        Assert.True(bank.Offer("v", small, 100, 100));
        var slot = bank.GetSlot("v")!;
        Assert.Equal((2, 3, 100L), (slot.Width, slot.Height, slot.Step!.Value));
        Assert.Equal(TaggedHwc(2, 2, 3), RewardBytes(bank, "v"));
    }

    [Theory]
    [InlineData(BankKind.Memory)]
    [InlineData(BankKind.Disk)]
    public void Invalid_candidates_are_refused(BankKind kind)
    {
        var bank = Create(kind, dir, ScoreDirection.HigherIsBetter);
        using var scope = torch.NewDisposeScope();
        RgsudRuntimeInit();
        Assert.Throws<ArgumentException>(() => bank.Offer("a", torch.zeros(2, 3, 4, 4), 1, 0));
        Assert.Throws<ArgumentException>(() => bank.Offer("a", torch.zeros(4, 4, 4), 1, 0));
        Assert.Throws<ArgumentException>(() => bank.Offer("a", torch.zeros(1, 3, 0, 4), 1, 0));
        Assert.Throws<ArgumentException>(() => bank.Offer("a", torch.zeros(new long[] { 3, 4, 4 }, ScalarType.Byte), 1, 0));
        Assert.Throws<ArgumentNullException>(() => bank.Offer("a", null!, 1, 0));
        Assert.Empty(bank.GetSlots());
    }

    [Fact]
    public void Constructors_validate_their_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryRewardBank((ScoreDirection)7));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DiskRewardBank(dir.Sub("d"), ScoreDirection.HigherIsBetter, cacheCapacity: -1));
        Assert.Throws<ArgumentNullException>(() => new DiskRewardBank(null!, ScoreDirection.HigherIsBetter));
        var bank = new InMemoryRewardBank(ScoreDirection.LowerIsBetter, coldStartGuard: false);
        Assert.Equal(ScoreDirection.LowerIsBetter, bank.Direction);
        Assert.False(bank.ColdStartGuard);
    }

    private static void RgsudRuntimeInit() => Rgsud.Runtime.RgsudRuntime.EnsureInitialized();
}
