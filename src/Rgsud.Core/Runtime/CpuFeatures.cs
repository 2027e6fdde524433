using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Rgsud.Runtime;

/// <summary>CPU facts that decide whether libtorch 2.10's oneDNN can compute wrong convolution gradients.</summary>
public static class CpuFeatures
{
    /// <summary>The CPUID vendor string ("GenuineIntel", "AuthenticAMD", ...), or empty off x86.</summary>
    public static string Vendor { get; } = ReadVendor();

    /// <summary>
    /// True on an AMD CPU whose cache-topology leaf <c>0x8000001D</c> sub-leaf 0 reports no cache
    /// (<c>EAX &amp; 0x1F == 0</c>): oneDNN then assumes 1-byte caches and its padded weight reorders leave
    /// memory unwritten (NCHW convolution input gradients wrong or NaN).
    /// </summary>
    public static bool HasEmptyCacheTopologyLeaf { get; } = DetectEmptyCacheLeaf();

    private static string ReadVendor()
    {
        if (!X86Base.IsSupported) return string.Empty;
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        var bytes = new byte[12];
        BitConverter.GetBytes(ebx).CopyTo(bytes, 0);
        BitConverter.GetBytes(edx).CopyTo(bytes, 4);
        BitConverter.GetBytes(ecx).CopyTo(bytes, 8);
        return Encoding.ASCII.GetString(bytes);
    }

    private static bool DetectEmptyCacheLeaf()
    {
        if (!X86Base.IsSupported || Vendor != "AuthenticAMD") return false;
        var (maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x80000000), 0);
        if ((uint)maxExtended < 0x8000001D) return false;
        var (eax, _, _, _) = X86Base.CpuId(unchecked((int)0x8000001D), 0);
        return (eax & 0x1F) == 0;
    }
}
