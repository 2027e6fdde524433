namespace Rgsud.Core.Tests.Imaging;

/// <summary>
/// A minimal baseline JPEG with four components (CMYK, Adobe APP14 marker, transform 0) filled with one colour:
/// every 8×8 block has only a DC coefficient. ImageSharp can decode CMYK JPEGs but not write them.
/// </summary>
internal static class CmykJpeg
{
    /// <summary>A <paramref name="width"/>×<paramref name="height"/> CMYK JPEG of the stored values (c, m, y, k).</summary>
    public static byte[] Create(int width, int height, byte c, byte m, byte y, byte k)
    {
        var o = new MemoryStream();
        void B(int v) => o.WriteByte((byte)v);
        void W(int v) { B(v >> 8); B(v & 0xFF); }

        B(0xFF); B(0xD8); // SOI
        B(0xFF); B(0xEE); W(14); foreach (var ch in "Adobe") B(ch); W(100); W(0); W(0); B(0); // APP14, transform 0
        B(0xFF); B(0xDB); W(67); B(0); for (int i = 0; i < 64; i++) B(1); // DQT: all ones
        B(0xFF); B(0xC0); W(8 + 3 * 4); B(8); W(height); W(width); B(4); // SOF0, 4 components
        for (int id = 1; id <= 4; id++) { B(id); B(0x11); B(0); }
        B(0xFF); B(0xC4); W(3 + 16 + 12); B(0x00); // DHT DC 0: symbols 0..11, all 4-bit codes
        for (int l = 1; l <= 16; l++) B(l == 4 ? 12 : 0);
        for (int s = 0; s < 12; s++) B(s);
        B(0xFF); B(0xC4); W(3 + 16 + 1); B(0x10); // DHT AC 0: only EOB, a 1-bit code
        for (int l = 1; l <= 16; l++) B(l == 1 ? 1 : 0);
        B(0);
        B(0xFF); B(0xDA); W(6 + 2 * 4); B(4); // SOS
        for (int id = 1; id <= 4; id++) { B(id); B(0x00); }
        B(0); B(63); B(0);

        var bits = new List<int>();
        void Put(int v, int n) { for (int i = n - 1; i >= 0; i--) bits.Add((v >> i) & 1); }
        int[] values = [c, m, y, k];
        var previous = new int[4];
        int blocks = ((width + 7) / 8) * ((height + 7) / 8);
        for (int b = 0; b < blocks; b++)
        {
            for (int comp = 0; comp < 4; comp++)
            {
                int dc = 8 * (values[comp] - 128); // a flat block's DC coefficient (quantiser 1)
                int diff = dc - previous[comp];
                previous[comp] = dc;
                int magnitude = Math.Abs(diff);
                int category = magnitude == 0 ? 0 : (int)Math.Floor(Math.Log2(magnitude)) + 1;
                Put(category, 4);
                if (category > 0) Put(diff > 0 ? diff : diff + (1 << category) - 1, category);
                Put(0, 1); // EOB
            }
        }
        while (bits.Count % 8 != 0) bits.Add(1);
        for (int i = 0; i < bits.Count; i += 8)
        {
            int v = 0;
            for (int j = 0; j < 8; j++) v = (v << 1) | bits[i + j];
            B(v);
            if (v == 0xFF) B(0); // byte stuffing
        }
        B(0xFF); B(0xD9); // EOI
        return o.ToArray();
    }
}
