using System.Text;

namespace Rgsud.Core.Tests.Weights;

/// <summary>Writes pickle opcodes.</summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream s = new();

    public void Op(char op) => s.WriteByte((byte)op);

    public void Raw(byte[] bytes) => s.Write(bytes);

    public void Proto(int version) { s.WriteByte(0x80); s.WriteByte((byte)version); }

    public void Global(string module, string name) => Raw(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

    public void BinPut(int i) { Op('q'); s.WriteByte((byte)i); }

    public void BinGet(int i) { Op('h'); s.WriteByte((byte)i); }

    public void Unicode(string text)
    {
        var b = Encoding.UTF8.GetBytes(text);
        Op('X');
        s.Write(BitConverter.GetBytes(b.Length));
        s.Write(b);
    }

    public void Int(long v)
    {
        Op('J');
        s.Write(BitConverter.GetBytes((int)v));
    }

    public void Tuple(long[] values)
    {
        Op('(');
        foreach (var v in values) Int(v);
        Op('t');
    }

    public byte[] ToArray() => s.ToArray();
}
