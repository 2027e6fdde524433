using System.Buffers.Binary;
using System.Globalization;

namespace Rgsud.Imaging;

/// <summary>
/// Structural completeness checks run before decoding. ImageSharp decodes a cut-short JPEG, WebP or BMP without
/// complaint (the missing part comes out gray or black), and a PNG cut inside its pixel chunks likewise; a dataset
/// loader must not train on such images. Each check walks only the container structure (PNG chunks, JPEG markers,
/// the RIFF and BMP size fields), so it costs a fraction of decoding.
/// </summary>
internal static class ImageIntegrity
{
    /// <summary>Why the data is incomplete, or null when its structure is whole (or the format is not checked).</summary>
    public static string? FindDamage(ImageFormats format, ReadOnlySpan<byte> data) => format switch
    {
        ImageFormats.Png => CheckPng(data),
        ImageFormats.Jpeg => CheckJpeg(data),
        ImageFormats.Webp => CheckWebp(data),
        ImageFormats.Bmp => CheckBmp(data),
        _ => null,
    };

    /// <summary>Chunks from the signature on must fit in the file and end with IEND.</summary>
    private static string? CheckPng(ReadOnlySpan<byte> data)
    {
        long pos = 8;
        while (pos + 8 <= data.Length)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice((int)pos, 4));
            var type = data.Slice((int)pos + 4, 4);
            long end = pos + 12 + length;
            if (end > data.Length)
            {
                return Invariant($"the PNG chunk {System.Text.Encoding.ASCII.GetString(type)} at byte {pos} needs {end} bytes but the file has {data.Length} (file cut short?)");
            }

            if (type.SequenceEqual("IEND"u8)) return null;
            pos = end;
        }

        return Invariant($"the PNG data ends at byte {data.Length} without an IEND chunk (file cut short?)");
    }

    /// <summary>Markers from SOI on, skipping segments by their lengths and scans by their markers, must reach EOI.</summary>
    private static string? CheckJpeg(ReadOnlySpan<byte> data)
    {
        int pos = 2; // after SOI
        while (true)
        {
            // Find the next marker (fill bytes 0xFF may repeat).
            if (pos >= data.Length) break;
            if (data[pos] != 0xFF)
            {
                // Extraneous bytes between segments: tolerated (as libjpeg and ImageSharp do); find the next marker.
                int skip = data[pos..].IndexOf((byte)0xFF);
                if (skip < 0) break;
                pos += skip;
            }

            while (pos < data.Length && data[pos] == 0xFF) pos++;
            if (pos >= data.Length) break;
            byte marker = data[pos++];
            if (marker == 0xD9) return null; // EOI
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) continue; // TEM, RSTn: no length
            if (pos + 2 > data.Length) break;
            int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos, 2));
            if (length < 2) return Invariant($"the JPEG segment at byte {pos - 2} has an invalid length {length}");
            pos += length;
            if (pos > data.Length) break;
            if (marker != 0xDA) continue;

            // Entropy-coded data after SOS: runs until a 0xFF that is not followed by 0x00 (stuffing) or RSTn.
            while (true)
            {
                int ff = data[pos..].IndexOf((byte)0xFF);
                if (ff < 0)
                {
                    pos = data.Length;
                    break;
                }

                pos += ff;
                if (pos + 1 >= data.Length)
                {
                    pos = data.Length;
                    break;
                }

                byte next = data[pos + 1];
                if (next == 0x00 || next is >= 0xD0 and <= 0xD7)
                {
                    pos += 2;
                    continue;
                }

                if (next == 0xFF)
                {
                    pos += 1;
                    continue;
                }

                break; // a real marker: the outer loop reads it
            }
        }

        return Invariant($"the JPEG data ends at byte {data.Length} before its end-of-image marker (file cut short?)");
    }

    /// <summary>The RIFF size field must not claim more bytes than the file has.</summary>
    private static string? CheckWebp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12) return Invariant($"the WebP data is only {data.Length} bytes");
        long declared = 8L + BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4, 4));
        return declared > data.Length
            ? Invariant($"the WebP RIFF header declares {declared} bytes but the file has {data.Length} (file cut short?)")
            : null;
    }

    /// <summary>The file size field, and for uncompressed bitmaps the pixel array, must fit in the file.</summary>
    private static string? CheckBmp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 30) return Invariant($"the BMP data is only {data.Length} bytes");
        long declared = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(2, 4));
        if (declared > data.Length)
        {
            return Invariant($"the BMP header declares {declared} bytes but the file has {data.Length} (file cut short?)");
        }

        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(14, 4));
        if (headerSize < 40 || data.Length < 34) return null; // OS/2 core header: size field only
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(10, 4));
        long width = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(18, 4));
        long height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data.Slice(22, 4)));
        int bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(28, 2));
        uint compression = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(30, 4));
        bool uncompressed = compression is 0 or 3 or 6; // BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS
        if (!uncompressed || width <= 0 || bitsPerPixel is 0 or > 64) return null;
        long stride = (width * bitsPerPixel + 31) / 32 * 4;
        long needed = offset + stride * height;
        return needed > data.Length
            ? Invariant($"the BMP pixel array needs {needed} bytes but the file has {data.Length} (file cut short?)")
            : null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
