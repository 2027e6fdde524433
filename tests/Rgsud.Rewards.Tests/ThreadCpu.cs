using System.Runtime.InteropServices;

namespace Rgsud.Rewards.Tests;

/// <summary>The calling thread's CPU time (Linux; NaN elsewhere), for timings on a shared, loaded machine.</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static double Milliseconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        return clock_gettime(ClockThreadCpuTimeId, out var ts) == 0 ? ts.Seconds * 1e3 + ts.Nanoseconds / 1e6 : double.NaN;
    }

    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
