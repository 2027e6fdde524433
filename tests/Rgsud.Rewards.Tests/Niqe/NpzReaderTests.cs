using System.IO.Compression;
using System.Text;
using Rgsud.Rewards.Niqe;

namespace Rgsud.Rewards.Tests.Niqe;

public sealed class NpzReaderTests
{
    /// <summary>A hand-made .npy: magic, version, little-endian header length, padded dict header, raw data.</summary>
    internal static byte[] Npy(string descr, bool fortran, int[] shape, byte[] data, int major = 1)
    {
        string shapeText = "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shapeText}, }}";
        int prefix = 6 + 2 + (major == 1 ? 2 : 4);
        int total = prefix + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        var header = dict + new string(' ', pad) + "\n";
        using var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        if (major == 1) ms.Write(BitConverter.GetBytes((ushort)header.Length));
        else ms.Write(BitConverter.GetBytes((uint)header.Length));
        ms.Write(Encoding.ASCII.GetBytes(header));
        ms.Write(data);
        return ms.ToArray();
    }

    internal static byte[] F8(params double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    internal static void WriteNpz(string path, params (string Name, byte[] Npy)[] arrays)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (name, npy) in arrays)
        {
            var entry = zip.CreateEntry(name + ".npy", CompressionLevel.Optimal);
            using var s = entry.Open();
            s.Write(npy);
        }
    }

    private static NpyArray Read(byte[] npy) => NumpyArchive.ReadNpy(new MemoryStream(npy), "test.npz", "a.npy");

    [Fact]
    public void COrder_2x3_ReadsRowMajor()
    {
        var a = Read(Npy("<f8", false, [2, 3], F8(1, 2, 3, 4, 5, 6)));
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], a.Data);
    }

    [Fact]
    public void FortranOrder_2x3_IsConvertedToRowMajor()
    {
        // Column-major storage of [[1,2,3],[4,5,6]] is 1,4,2,5,3,6.
        var a = Read(Npy("<f8", true, [2, 3], F8(1, 4, 2, 5, 3, 6)));
        Assert.Equal([1.0, 2, 3, 4, 5, 6], a.Data);
    }

    [Fact]
    public void FortranOrder_3D_IsConvertedToRowMajor()
    {
        // x[i,j,k] = 100i + 10j + k, shape (2,2,3), stored with i fastest.
        var f = new List<double>();
        for (int k = 0; k < 3; k++) for (int j = 0; j < 2; j++) for (int i = 0; i < 2; i++) f.Add(100 * i + 10 * j + k);
        var a = Read(Npy("<f8", true, [2, 2, 3], F8([.. f])));
        var c = new List<double>();
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < 3; k++) c.Add(100 * i + 10 * j + k);
        Assert.Equal(c, a.Data);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Versions_1_2_3_AreRead(int major)
    {
        var a = Read(Npy("<f8", false, [3], F8(1.5, -2, 1e300), major));
        Assert.Equal([1.5, -2, 1e300], a.Data);
    }

    [Fact]
    public void Float32_BigEndian_AndIntegers_AreRead()
    {
        var f4 = Read(Npy("<f4", false, [2], [.. BitConverter.GetBytes(0.25f), .. BitConverter.GetBytes(-3f)]));
        Assert.Equal([0.25, -3], f4.Data);
        var be = BitConverter.GetBytes(2.5);
        Array.Reverse(be);
        Assert.Equal([2.5], Read(Npy(">f8", false, [1], be)).Data);
        Assert.Equal([7.0, -1], Read(Npy("<i4", false, [2], [.. BitConverter.GetBytes(7), .. BitConverter.GetBytes(-1)])).Data);
        Assert.Equal([42.0], Read(Npy("<f8", false, [], F8(42))).Data);
    }

    [Theory]
    [InlineData("not numpy at all", "not a .npy array")]
    [InlineData("<c16", "unsupported dtype '<c16'")]
    [InlineData("trunc", "truncated data: expected 48 bytes")]
    [InlineData("badheader", "malformed header")]
    [InlineData("version9", "unsupported .npy format version 9.0")]
    public void Malformed_ThrowsFileExceptionNamingTheArray(string kind, string reason)
    {
        byte[] bytes = kind switch
        {
            "not numpy at all" => Encoding.ASCII.GetBytes(kind),
            "<c16" => Npy("<c16", false, [1], new byte[16]),
            "trunc" => Npy("<f8", false, [2, 3], F8(1, 2, 3)),
            "badheader" => Npy("<f8", false, [1], F8(1)).Select(b => b == (byte)'{' ? (byte)'[' : b).ToArray(),
            _ => Npy("<f8", false, [1], F8(1), major: 9),
        };
        var ex = Assert.Throws<RgsudFileException>(() => Read(bytes));
        Assert.Equal("test.npz", ex.FilePath);
        Assert.StartsWith("a.npy: " + reason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Npz_RoundTrip_ThroughLoadNpz_WithFortranArrays()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("model.npz");
        var mean = Enumerable.Range(0, 36).Select(i => i * 0.5).ToArray();
        var cov = new double[36 * 36];
        for (int i = 0; i < 36; i++) for (int j = 0; j < 36; j++) cov[i * 36 + j] = i == j ? 2 + i : 0.01 * (i + 2 * j);
        // Fortran order: element (i, j) at j·36 + i.
        var covF = new double[36 * 36];
        for (int i = 0; i < 36; i++) for (int j = 0; j < 36; j++) covF[j * 36 + i] = cov[i * 36 + j];
        var window = NiqeModel.StandardGaussianWindow();
        var winF = new double[49];
        for (int i = 0; i < 7; i++) for (int j = 0; j < 7; j++) winF[j * 7 + i] = window[i, j];
        WriteNpz(path,
            ("mu_pris_param", Npy("<f8", false, [1, 36], F8(mean))),
            ("cov_pris_param", Npy("<f8", true, [36, 36], F8(covF))),
            ("gaussian_window", Npy("<f8", true, [7, 7], F8(winF))));

        var model = NiqeModel.LoadNpz(path);
        Assert.Equal(mean, model.Mean);
        var c = model.GetCovariance();
        Assert.Equal(0.01 * (3 + 2 * 5), c[3, 5]);
        Assert.Equal(0.01 * (5 + 2 * 3), c[5, 3]);
        Assert.Equal(window, model.GetGaussianWindow());
    }

    [Fact]
    public void Npz_MissingArrayOrWrongShape_Throws()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("bad.npz");
        WriteNpz(path, ("mu_pris_param", Npy("<f8", false, [1, 36], F8(new double[36]))));
        var ex = Assert.Throws<RgsudFileException>(() => NiqeModel.LoadNpz(path));
        Assert.Equal("missing array 'cov_pris_param' (the archive has: mu_pris_param)", ex.Reason);

        WriteNpz(path,
            ("mu_pris_param", Npy("<f8", false, [1, 35], F8(new double[35]))),
            ("cov_pris_param", Npy("<f8", false, [36, 36], F8(new double[36 * 36]))),
            ("gaussian_window", Npy("<f8", false, [7, 7], F8(new double[49]))));
        ex = Assert.Throws<RgsudFileException>(() => NiqeModel.LoadNpz(path));
        Assert.Equal("array 'mu_pris_param' has shape (1, 35), expected (1, 36) or (36,)", ex.Reason);
    }

    [Fact]
    public void NotAZip_OrMissing_Throws()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("plain.npz");
        File.WriteAllText(path, "hello");
        var ex = Assert.Throws<RgsudFileException>(() => NiqeModel.LoadNpz(path));
        Assert.StartsWith("not a valid .npz (zip) archive", ex.Reason, StringComparison.Ordinal);
        ex = Assert.Throws<RgsudFileException>(() => NiqeModel.LoadNpz(tmp.File("absent.npz")));
        Assert.Equal("file not found", ex.Reason);
    }
}
