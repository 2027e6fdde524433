namespace Rgsud.Synthesis;

/// <summary>
/// An RGB float canvas that <see cref="ProceduralScenes"/> paints on, back to front, at
/// <see cref="Supersampling"/>× the output resolution; <see cref="ToPixels"/> box-filters it down (anti-aliasing).
/// Shapes are given in output-pixel coordinates; a paint callback receives the sample's output coordinates.
/// </summary>
internal sealed class SceneCanvas
{
    private readonly float[] red;
    private readonly float[] green;
    private readonly float[] blue;

    public SceneCanvas(int width, int height, int supersampling)
    {
        Width = width;
        Height = height;
        Supersampling = supersampling;
        SampleWidth = width * supersampling;
        SampleHeight = height * supersampling;
        long n = (long)SampleWidth * SampleHeight;
        red = new float[n];
        green = new float[n];
        blue = new float[n];
    }

    /// <summary>Output width in pixels.</summary>
    public int Width { get; }

    /// <summary>Output height in pixels.</summary>
    public int Height { get; }

    /// <summary>Samples per output pixel along each axis.</summary>
    public int Supersampling { get; }

    private int SampleWidth { get; }

    private int SampleHeight { get; }

    /// <summary>
    /// Paints every sample inside the box [x0, x1) × [y0, y1) (output coordinates, clipped) for which
    /// <paramref name="paint"/> returns a colour; a null colour leaves the sample as it is. <paramref name="paint"/>
    /// receives the sample's output coordinates and the colour currently there.
    /// </summary>
    public void Paint(double x0, double y0, double x1, double y1, Func<double, double, (float R, float G, float B), (float R, float G, float B)?> paint)
    {
        int s = Supersampling;
        int i0 = Math.Max(0, (int)Math.Floor(x0 * s)), i1 = Math.Min(SampleWidth, (int)Math.Ceiling(x1 * s));
        int j0 = Math.Max(0, (int)Math.Floor(y0 * s)), j1 = Math.Min(SampleHeight, (int)Math.Ceiling(y1 * s));
        for (int j = j0; j < j1; j++)
        {
            double y = (j + 0.5) / s;
            int row = j * SampleWidth;
            for (int i = i0; i < i1; i++)
            {
                double x = (i + 0.5) / s;
                int k = row + i;
                var colour = paint(x, y, (red[k], green[k], blue[k]));
                if (colour is not { } c) continue;
                red[k] = c.R;
                green[k] = c.G;
                blue[k] = c.B;
            }
        }
    }

    /// <summary>The canvas at output resolution as planar RGB (<c>[3, H, W]</c> row-major), clamped to [0,1].</summary>
    public float[] ToPixels()
    {
        int s = Supersampling, plane = Width * Height;
        var pixels = new float[3 * plane];
        float norm = 1f / (s * s);
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                float r = 0, g = 0, b = 0;
                for (int dy = 0; dy < s; dy++)
                {
                    int row = (y * s + dy) * SampleWidth + x * s;
                    for (int dx = 0; dx < s; dx++)
                    {
                        r += red[row + dx];
                        g += green[row + dx];
                        b += blue[row + dx];
                    }
                }
                int k = y * Width + x;
                pixels[k] = Math.Clamp(r * norm, 0f, 1f);
                pixels[plane + k] = Math.Clamp(g * norm, 0f, 1f);
                pixels[2 * plane + k] = Math.Clamp(b * norm, 0f, 1f);
            }
        }
        return pixels;
    }
}
