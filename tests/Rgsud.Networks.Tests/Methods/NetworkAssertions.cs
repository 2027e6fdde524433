using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests.Methods;

/// <summary>Shared checks for the networks of this assembly (gradients, float64 agreement, parameter counts).</summary>
internal static class NetworkAssertions
{
    public static long ParameterCount(nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>Every parameter has a gradient that is finite and, when <paramref name="nonZero"/>, not all zero.</summary>
    /// <remarks>
    /// <paramref name="mayBeZero"/> names parameters whose gradient is zero in exact arithmetic (e.g. the bias of
    /// a convolution followed by an instance norm, which removes per-channel constants); theirs need only be finite.
    /// </remarks>
    public static void AllGradientsFinite(nn.Module module, bool nonZero = true, Func<string, bool>? mayBeZero = null)
    {
        foreach (var (name, p) in module.named_parameters())
        {
            var grad = p.grad;
            Assert.True(grad is not null, $"{name} has no gradient");
            Assert.True(grad.isfinite().all().item<bool>(), $"{name} has a non-finite gradient");
            if (nonZero && mayBeZero?.Invoke(name) != true)
                Assert.True(grad.abs().max().item<float>() > 0, $"{name} has an all-zero gradient");
        }
    }

    /// <summary>Copies every state-dict entry of <paramref name="source"/> into <paramref name="target"/> (any dtype).</summary>
    public static void CopyState(nn.Module source, nn.Module target)
    {
        using var _ = no_grad();
        var src = source.state_dict();
        foreach (var (name, t) in target.state_dict()) t.copy_(src[name]);
    }

    /// <summary>
    /// Asserts that the input and parameter gradients of a float32 network match those of a float64 copy (the
    /// float64 path never uses oneDNN, so this catches wrong convolution gradients).
    /// </summary>
    /// <remarks>
    /// Parameters named by <paramref name="mayBeZero"/> have a zero gradient in exact arithmetic; float32 leaves
    /// rounding noise there, so theirs is only required to be tiny next to the largest gradient.
    /// </remarks>
    public static void GradientsMatchFloat64(Func<nn.Module<Tensor, Tensor>> create, long[] inputShape, double tolerance = 1e-4,
        Func<string, bool>? mayBeZero = null)
    {
        using var scope = NewDisposeScope();
        var net32 = create();
        var net64 = create();
        net64.to(ScalarType.Float64);
        CopyState(net32, net64);
        var x32 = rand(inputShape).requires_grad_();
        var x64 = x32.detach().to(ScalarType.Float64).requires_grad_();
        var y32 = net32.call(x32);
        var w = randn(y32.shape);
        (y32 * w).sum().backward();
        (net64.call(x64) * w.to(ScalarType.Float64)).sum().backward();
        AssertClose("input", x32.grad!, x64.grad!, tolerance);
        var params64 = net64.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        ParameterGradientsClose(net32, params64, tolerance, mayBeZero);
    }

    /// <summary>Compares the parameter gradients of a float32 network with those of its float64 copy.</summary>
    public static void ParameterGradientsClose(nn.Module net32, IReadOnlyDictionary<string, Parameter> params64, double tolerance,
        Func<string, bool>? mayBeZero)
    {
        var largest = params64.Values.Max(p => p.grad!.abs().max().to(ScalarType.Float64).item<double>());
        foreach (var (name, p) in net32.named_parameters())
        {
            if (mayBeZero?.Invoke(name) == true)
            {
                var noise = p.grad!.abs().max().to(ScalarType.Float64).item<double>();
                Assert.True(noise <= 1e-3 * largest, $"{name}: gradient {noise:E2} should be ~0 (largest gradient {largest:E2})");
                continue;
            }
            AssertClose(name, p.grad!, params64[name].grad!, tolerance);
        }
    }

    public static void AssertClose(string name, Tensor actual, Tensor reference, double tolerance)
    {
        var err = (actual.to(ScalarType.Float64) - reference.to(ScalarType.Float64)).abs().max().item<double>();
        var scale = reference.abs().max().item<double>();
        Assert.True(err <= tolerance * scale, $"{name}: gradient error {err:E2} at scale {scale:E2}");
    }

    /// <summary>Sets every parameter named like <paramref name="suffix"/> to small random values (e.g. NAFNet's zero β, γ).</summary>
    public static void Randomize(nn.Module module, string suffix, double std = 0.1)
    {
        using var _ = no_grad();
        foreach (var (name, p) in module.named_parameters())
            if (name.EndsWith(suffix, StringComparison.Ordinal)) p.normal_(0, std);
    }
}
