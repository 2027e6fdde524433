using Rgsud.Runtime;
using Rgsud.Weights;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

using Rgsud.Testing;

namespace Rgsud.Core.Tests.Weights;

public sealed class ModuleWeightsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Module<Tensor, Tensor> Net(int convOut = 4, bool withHead = true)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)> { ("conv", Conv2d(3, convOut, 3)), ("bn", BatchNorm2d(convOut)) };
        if (withHead) layers.Add(("head", Linear(2, 2)));
        return Sequential(layers);
    }

    [Fact]
    public void SaveThenLoad_CopiesParametersAndBuffers_KeepingChannelsLast()
    {
        using var scope = NewDisposeScope();
        using var source = Net();
        using (no_grad())
        {
            foreach (var (_, t) in source.state_dict())
                if (t.is_floating_point()) t.copy_(randn_like(t));
                else t.fill_(7);
        }
        var file = _dir.File("net.safetensors");
        ModuleWeights.Save(source, file, new Dictionary<string, string> { ["network"] = "test" });

        using var target = Net();
        TensorLayout.ConvertWeightsToChannelsLast(target);
        var result = ModuleWeights.Load(target, file);

        Assert.Equal(source.state_dict().Keys, result.Loaded);
        Assert.Empty(result.Missing);
        Assert.Empty(result.Unexpected);
        foreach (var (name, t) in target.state_dict())
            Assert.True(t.eq(source.state_dict()[name]).all().item<bool>(), name);
        Assert.True(TensorLayout.IsChannelsLast(target.state_dict()["conv.weight"]));
        Assert.Contains("bn.num_batches_tracked", result.Loaded);
        Assert.Equal("test", SafeTensors.ReadHeader(file).Metadata["network"]);
    }

    [Fact]
    public void StrictLoad_ListsMissingUnexpectedAndMismatchedExactly_AndLeavesModuleUnchanged()
    {
        using var scope = NewDisposeScope();
        var file = _dir.File("net.safetensors");
        using (var source = Net()) ModuleWeights.Save(source, file);

        // conv has 5 outputs instead of 4 (conv.* and bn.* mismatched), head is absent (unexpected),
        // extra is new (missing).
        using var target = Sequential(("conv", Conv2d(3, 5, 3)), ("bn", BatchNorm2d(5)), ("extra", Linear(3, 1)));
        var before = target.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        var ex = Assert.Throws<RgsudWeightsException>(() => ModuleWeights.Load(target, file));

        Assert.Equal(["extra.weight", "extra.bias"], ex.Missing);
        Assert.Equal(["head.weight", "head.bias"], ex.Unexpected);
        Assert.Equal(
            [
                "conv.weight: file [4, 3, 3, 3] F32 vs module [5, 3, 3, 3] Float32",
                "conv.bias: file [4] F32 vs module [5] Float32",
                "bn.weight: file [4] F32 vs module [5] Float32",
                "bn.bias: file [4] F32 vs module [5] Float32",
                "bn.running_mean: file [4] F32 vs module [5] Float32",
                "bn.running_var: file [4] F32 vs module [5] Float32",
            ],
            ex.Mismatched);
        Assert.Equal(file, ex.FilePath);
        Assert.Contains("2 missing from the file (extra.weight, extra.bias)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2 unexpected (head.weight, head.bias)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("6 mismatched (conv.weight: file [4, 3, 3, 3] F32 vs module [5, 3, 3, 3] Float32;", ex.Message, StringComparison.Ordinal);
        foreach (var (name, t) in target.state_dict())
            Assert.True(t.eq(before[name]).all().item<bool>(), name);
    }

    [Fact]
    public void StrictLoad_DtypeMismatchIsReported_NonStrictConverts()
    {
        using var scope = NewDisposeScope();
        var file = _dir.File("net.safetensors");
        using (var source = Net(withHead: false)) ModuleWeights.Save(source, file);
        using var target = Net(withHead: false);
        target.to(ScalarType.Float64);

        var ex = Assert.Throws<RgsudWeightsException>(() => ModuleWeights.Load(target, file));
        Assert.Empty(ex.Missing);
        Assert.Empty(ex.Unexpected);
        Assert.Contains("conv.weight: file [4, 3, 3, 3] F32 vs module [4, 3, 3, 3] Float64", ex.Mismatched);

        var result = ModuleWeights.Load(target, file, strict: false);
        Assert.Equal(target.state_dict().Keys, result.Loaded);
        Assert.Equal(ScalarType.Float64, target.state_dict()["conv.weight"].dtype);
        using var reference = SafeTensors.Read(file)["conv.weight"];
        Assert.True(target.state_dict()["conv.weight"].to(ScalarType.Float32).eq(reference).all().item<bool>());
    }

    [Fact]
    public void NonStrictLoad_ReportsMissingAndUnexpected_ButShapeMismatchStillFails()
    {
        using var scope = NewDisposeScope();
        var file = _dir.File("net.safetensors");
        using (var source = Net()) ModuleWeights.Save(source, file);

        using var partial = Sequential(("conv", Conv2d(3, 4, 3)), ("other", Linear(1, 1)));
        var result = ModuleWeights.Load(partial, file, strict: false);
        Assert.Equal(["conv.weight", "conv.bias"], result.Loaded);
        Assert.Equal(["other.weight", "other.bias"], result.Missing);
        // In file order, which is TorchSharp's state-dict order: all parameters, then all buffers.
        Assert.Equal(["bn.weight", "bn.bias", "head.weight", "head.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"], result.Unexpected);

        using var wrong = Sequential(("conv", Conv2d(3, 4, 5)));
        var ex = Assert.Throws<RgsudWeightsException>(() => ModuleWeights.Load(wrong, file, strict: false));
        Assert.Equal(["conv.weight: file [4, 3, 3, 3] F32 vs module [4, 3, 5, 5] Float32"], ex.Mismatched);
        Assert.Empty(ex.Missing);
        Assert.Empty(ex.Unexpected);
    }
}
