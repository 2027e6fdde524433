using System.Diagnostics;

namespace Rgsud.Rewards.Tests.DaClip;

/// <summary>Runs python3 without writing bytecode into the repository.</summary>
internal static class Python
{
    public static int Run(IEnumerable<string> arguments, out string stdout, out string stderr)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-B");
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        try
        {
            using var process = Process.Start(info) ?? throw new InvalidOperationException("python3 did not start");
            var err = process.StandardError.ReadToEndAsync();
            stdout = process.StandardOutput.ReadToEnd();
            stderr = err.GetAwaiter().GetResult();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            stdout = "";
            stderr = e.Message;
            return -1;
        }
    }
}
