using Rgsud.Testing;

namespace Rgsud.Rewards.Tests.DaClip;

/// <summary>
/// Checks of <c>tools/convert_daclip.py</c> that need no PyTorch: it compiles, and the names it keeps are exactly the
/// .NET model's state dict. (Converting a real checkpoint needs PyTorch and DA-CLIP; see docs/weights.md.)
/// </summary>
public sealed class DaClipConverterScriptTests
{
    private static string Script => Path.Combine(SharedData.RepositoryRoot, "tools", "convert_daclip.py");

    [PythonFact]
    public void ConverterScript_Compiles()
    {
        Assert.True(File.Exists(Script), Script);
        using var tmp = new TempDirectory();
        int code = Python.Run(["-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)", Script, tmp.File("c.pyc")],
            out _, out var stderr);
        Assert.True(code == 0, stderr);
    }

    [PythonFact]
    public void ConverterNames_AreTheModelStateDict()
    {
        var tools = Path.GetDirectoryName(Script)!;
        int code = Python.Run(["-c", "import sys; sys.path.insert(0, sys.argv[1]); import convert_daclip as c; " +
            "print('\\n'.join(c.expected_names(int(sys.argv[2])))); print('WORDS=' + ','.join(c.DEGRADATIONS)); print('FORMAT=' + c.FORMAT + '/' + c.FORMAT_VERSION)",
            tools, DaClipTestModels.Tiny.Layers.ToString(System.Globalization.CultureInfo.InvariantCulture)], out var stdout, out var stderr);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var names = lines.Where(l => !l.StartsWith("WORDS=", StringComparison.Ordinal) && !l.StartsWith("FORMAT=", StringComparison.Ordinal)).ToList();

        using var model = DaClipTestModels.Random(randomTaps: false);
        Assert.Equal(model.state_dict().Keys.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Equal("WORDS=" + string.Join(",", Rgsud.Rewards.DaClip.DaClipModel.DefaultDegradations), lines.Single(l => l.StartsWith("WORDS=", StringComparison.Ordinal)));
        Assert.Equal("FORMAT=rgsud.daclip/1", lines.Single(l => l.StartsWith("FORMAT=", StringComparison.Ordinal)));
    }
}
