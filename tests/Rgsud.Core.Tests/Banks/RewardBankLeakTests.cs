using Rgsud.Abstractions;
using Rgsud.Runtime;
using TorchSharp;
using static Rgsud.Core.Tests.Banks.BankTestSupport;

namespace Rgsud.Core.Tests.Banks;

/// <summary>Offers and reads leave no live tensors behind (TorchSharp's per-thread dispose statistics).</summary>
public sealed class RewardBankLeakTests : IDisposable
{
    private readonly BankTempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(BankKind.Memory)]
    [InlineData(BankKind.Disk)]
    public void Offer_and_ReadRewardCrop_in_a_dispose_scope_leak_nothing(BankKind kind)
    {
        var bank = Create(kind, dir, ScoreDirection.HigherIsBetter, cache: 1);
        RgsudRuntime.EnsureInitialized();
        Step(bank, 0);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 1; i <= 20; i++) Step(bank, i);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        // Without a scope: only the caller's own tensors are live, and disposing them leaves nothing.
        using (var c = torch.rand(1, 3, 16, 16))
        {
            bank.Offer("b", c, 1, 0);
            using var crop = bank.ReadRewardCrop("b", new CropBox(2, 2, 8, 8));
            Assert.Equal(before + 2, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static void Step(Rgsud.Abstractions.IRewardBank bank, int i)
    {
        using var scope = torch.NewDisposeScope();
        var candidate = Rgsud.Runtime.TensorLayout.ToChannelsLast(torch.rand(1, 3, 16, 16));
        bank.Offer("a", candidate, i, i);
        var crop = bank.ReadRewardCrop("a", new CropBox(1, 2, 10, 9));
        var full = bank.ReadReward("a");
        Assert.NotNull(crop);
        Assert.NotNull(full);
    }
}
