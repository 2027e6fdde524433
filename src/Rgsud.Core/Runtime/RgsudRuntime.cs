using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Runtime;

/// <summary>
/// Process-wide start-up, done once: loads libtorch (a failure becomes an <see cref="RgsudNativeException"/> that
/// names the missing library and the fix), applies the numerics policy (channels-last tensors by default), and
/// runs the convolution-gradient self-check of shared/NUMERICS.md. Every Rgsud entry point that creates tensors
/// calls <see cref="EnsureInitialized"/>; call <see cref="Initialize(RuntimeOptions?)"/> yourself first to choose
/// options.
/// </summary>
public static class RgsudRuntime
{
    private static readonly object Gate = new();
    private static RuntimeReport? report;

    /// <summary>The layout Rgsud uses for 4-D tensors (channels-last unless the policy is <see cref="NumericsPolicy.Unchecked"/>).</summary>
    public static MemoryLayout Layout { get; private set; } = MemoryLayout.ChannelsLast;

    /// <summary>The report of the initialisation, or null before it ran.</summary>
    public static RuntimeReport? Report => Volatile.Read(ref report);

    /// <summary>Initialises with default options unless already done, and returns the report.</summary>
    public static RuntimeReport EnsureInitialized() => Volatile.Read(ref report) ?? Initialize();

    /// <summary>
    /// Initialises the runtime. The first call decides; later calls return the first report (their options are
    /// ignored). Throws <see cref="RgsudNativeException"/> when libtorch cannot load and
    /// <see cref="RgsudNumericsException"/> when no configuration passes the self-check.
    /// </summary>
    public static RuntimeReport Initialize(RuntimeOptions? options = null)
    {
        lock (Gate)
        {
            if (report is not null) return report;
            options ??= new RuntimeOptions();
            var policy = PolicyFromEnvironment() ?? options.Numerics;
            bool safeIsa = false;
            if (policy == NumericsPolicy.SafeIsa)
            {
                OneDnnControl.SetMaxCpuIsa("SSE41");
                safeIsa = true;
            }

            string version = LoadNative();
            if (options.Threads > 0) torch.set_num_threads(options.Threads);

            bool fault = CpuFeatures.HasEmptyCacheTopologyLeaf;
            bool oneDnnOff = false;
            SelfCheckResult? check = null;
            var layout = MemoryLayout.ChannelsLast;
            int repeats = Math.Max(1, options.SelfCheckRepeats);
            switch (policy)
            {
                case NumericsPolicy.Unchecked:
                    layout = MemoryLayout.Contiguous;
                    break;
                case NumericsPolicy.DisableOneDnn:
                    oneDnnOff = DisableOneDnnOrThrow();
                    check = NumericsSelfCheck.Run(layout, repeats);
                    break;
                default:
                    check = NumericsSelfCheck.Run(layout, repeats);
                    if (!check.Passed && policy == NumericsPolicy.Auto)
                    {
                        var first = check;
                        oneDnnOff = OneDnnControl.TryDisable();
                        check = oneDnnOff ? NumericsSelfCheck.Run(layout, repeats) : first;
                        Trace.TraceWarning($"Rgsud: convolution self-check failed ({first}); oneDNN disabled: {oneDnnOff}; now {check}.");
                    }
                    break;
            }

            if (check is { Passed: false })
            {
                throw new RgsudNumericsException(
                    $"Rgsud refuses to train: libtorch's convolution input gradient is wrong on this machine ({check}; " +
                    $"policy {policy}, CPU {CpuFeatures.Vendor}, empty cache leaf: {fault}, oneDNN disabled: {oneDnnOff}). " +
                    "Try RGSUD_NUMERICS=safe-isa (or export ONEDNN_MAX_CPU_ISA=SSE41 before starting the process), or a " +
                    "libtorch with oneDNN 3.8 or newer. See docs/troubleshooting.md.");
            }

            Layout = layout;
            report = new RuntimeReport(version, policy, layout, fault, oneDnnOff, safeIsa, check, CudaAvailable(), torch.get_num_threads(), options.ChannelsLastWeights);
            return report;
        }
    }

    private static bool DisableOneDnnOrThrow() =>
        OneDnnControl.TryDisable()
            ? true
            : throw new RgsudNumericsException("NumericsPolicy.DisableOneDnn: libtorch_cpu's at::Context::setUserEnabledMkldnn export was not found.");

    private static NumericsPolicy? PolicyFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable("RGSUD_NUMERICS");
        if (string.IsNullOrWhiteSpace(value)) return null;
        return value.Trim().ToLowerInvariant() switch
        {
            "auto" => NumericsPolicy.Auto,
            "channels-last" => NumericsPolicy.ChannelsLast,
            "safe-isa" => NumericsPolicy.SafeIsa,
            "disable-onednn" => NumericsPolicy.DisableOneDnn,
            "unchecked" => NumericsPolicy.Unchecked,
            _ => throw new RgsudException(
                $"RGSUD_NUMERICS='{value}' is not one of: auto, channels-last, safe-isa, disable-onednn, unchecked."),
        };
    }

    private static string LoadNative()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return torch.__version__;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or BadImageFormatException or EntryPointNotFoundException)
        {
            throw NativeDiagnostics.Explain(e);
        }
    }

    private static bool CudaAvailable()
    {
        try
        {
            return torch.cuda.is_available();
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException)
        {
            return false;
        }
    }
}
