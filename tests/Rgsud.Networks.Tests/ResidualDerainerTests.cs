using Rgsud.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests;

public sealed class ResidualDerainerTests
{
    [Theory]
    [InlineData("nafnet-small")]
    [InlineData("prenet")]
    [InlineData("restormer-small")]
    public void InitializeAsIdentity_ReturnsTheInput_AndStillTrainsEveryLayer(string name)
    {
        manual_seed(3);
        using var network = DerainerRegistry.Create(name);
        var residual = Assert.IsAssignableFrom<IResidualDerainer>(network);
        using var scope = NewDisposeScope();
        var x = rand(1, 3, 19, 23);
        Assert.False(network.call(x).allclose(x, 0, 1e-4), "a fresh network is not the identity");

        residual.InitializeAsIdentity();
        Assert.True(network.call(x).allclose(x, 0, 0), "after InitializeAsIdentity the output is the input");

        // Adam steps towards a target: the first moves only the zeroed layer, later ones reach the others (NAFNet's
        // zero-initialised layer scales β, γ take one more step to open its blocks).
        var target = (x * 0.9f).detach();
        using var optimizer = optim.Adam(network.parameters(), 1e-3);
        var before = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        for (var step = 0; step < 4; step++)
        {
            optimizer.zero_grad();
            (network.call(x) - target).square().mean().backward();
            optimizer.step();
        }
        var moved = network.named_parameters().Count(p => !p.parameter.allclose(before[p.name], 0, 0));
        Assert.True(moved == network.named_parameters().Count(), $"{name}: {moved} of {network.named_parameters().Count()} parameters moved");
    }
}
