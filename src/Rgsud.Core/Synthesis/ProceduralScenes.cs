using Rgsud.Data;
using static TorchSharp.torch;

namespace Rgsud.Synthesis;

/// <summary>
/// Procedurally generated clean outdoor scenes for synthetic deraining sets: a sky gradient with soft clouds,
/// layers of hills, textured ground (mown grass or perspective paving, sometimes a road), buildings with brick,
/// siding, tiled or plain facades, lit and dark windows and flat or gabled roofs, and trees — all with smooth
/// shading, drawn with 2× supersampling (anti-aliased edges). Structured images with edges and textures at many
/// scales, not noise. Deterministic: the same seed and size give the same image, bit for bit (managed code only).
/// </summary>
public static class ProceduralScenes
{
    /// <summary>The smallest width and height accepted.</summary>
    public const int MinimumSize = 16;

    /// <summary>Renders a scene as a float32 CPU tensor <c>[1,3,H,W]</c> with values in [0,1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is below <see cref="MinimumSize"/> or the image has over 2^28 pixels.</exception>
    public static Tensor Render(int width, int height, long seed)
    {
        var pixels = RenderPixels(width, height, seed);
        return tensor(pixels, [1, 3, height, width], ScalarType.Float32);
    }

    /// <summary>Renders a scene as planar RGB floats (<c>[3, H, W]</c> row-major, values in [0,1]).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is below <see cref="MinimumSize"/> or the image has over 2^28 pixels.</exception>
    public static float[] RenderPixels(int width, int height, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, MinimumSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, MinimumSize);
        if ((long)width * height > 1L << 28) throw new ArgumentOutOfRangeException(nameof(width), "the image has more than 2^28 pixels");
        var random = new ResumableRandom(unchecked((ulong)seed * 0xA24BAED4963EE407UL + 0x9FB21C651E98DF25UL));
        int supersampling = (long)width * height <= 4_000_000 ? 2 : 1;
        var canvas = new SceneCanvas(width, height, supersampling);
        double unit = Math.Min(width, height) / 192.0;
        double horizon = height * Uniform(random, 0.42, 0.68);

        Sky(canvas, random, horizon);
        Hills(canvas, random, horizon, unit);
        Ground(canvas, random, horizon, unit);
        Buildings(canvas, random, horizon, unit);
        Trees(canvas, random, horizon, unit);
        return canvas.ToPixels();
    }

    private static void Sky(SceneCanvas canvas, ResumableRandom random, double horizon)
    {
        int palette = random.Next(3);
        (float R, float G, float B) top, bottom;
        switch (palette)
        {
            case 0: top = (0.22f, 0.42f, 0.78f); bottom = (0.70f, 0.82f, 0.95f); break;   // clear
            case 1: top = (0.50f, 0.53f, 0.58f); bottom = (0.78f, 0.79f, 0.80f); break;   // overcast
            default: top = (0.24f, 0.20f, 0.45f); bottom = (0.95f, 0.62f, 0.42f); break;  // dusk
        }
        top = Jitter(random, top, 0.05);
        bottom = Jitter(random, bottom, 0.05);
        var cloud = palette == 1 ? (0.88f, 0.88f, 0.90f) : palette == 0 ? (0.97f, 0.97f, 0.98f) : (0.98f, 0.80f, 0.70f);
        int clouds = 3 + random.Next(5);
        var blobs = new (double X, double Y, double Sx, double Sy, double A)[clouds];
        for (int i = 0; i < clouds; i++)
        {
            blobs[i] = (Uniform(random, 0, canvas.Width), Uniform(random, 0, horizon * 0.7),
                Uniform(random, 0.06, 0.18) * canvas.Width, Uniform(random, 0.02, 0.06) * canvas.Height, Uniform(random, 0.4, 1.2));
        }
        bool sun = random.NextDouble() < 0.3;
        double sunX = Uniform(random, 0.1, 0.9) * canvas.Width, sunY = Uniform(random, 0.15, 0.6) * horizon;
        double sunR = Uniform(random, 0.03, 0.06) * Math.Min(canvas.Width, canvas.Height);
        canvas.Paint(0, 0, canvas.Width, Math.Min(canvas.Height, horizon + 2), (x, y, _) =>
        {
            double t = Math.Clamp(y / horizon, 0, 1);
            var c = Lerp(top, bottom, t * t * (3 - 2 * t));
            if (sun)
            {
                double d = Math.Sqrt((x - sunX) * (x - sunX) + (y - sunY) * (y - sunY));
                c = Lerp(c, (1f, 0.96f, 0.82f), Math.Clamp(sunR + 0.5 - d, 0, 1) * 0.95 + 0.25 * Math.Exp(-d / (3 * sunR)));
            }
            double density = 0;
            foreach (var b in blobs)
            {
                double dx = (x - b.X) / b.Sx, dy = (y - b.Y) / b.Sy;
                density += b.A * Math.Exp(-(dx * dx + dy * dy));
            }
            return Lerp(c, cloud, 1 - Math.Exp(-density));
        });
    }

    private static void Hills(SceneCanvas canvas, ResumableRandom random, double horizon, double unit)
    {
        int layers = 1 + random.Next(2);
        for (int layer = 0; layer < layers; layer++)
        {
            double baseY = horizon - canvas.Height * Uniform(random, 0.05, 0.16) * (layers - layer) / layers;
            var waves = new (double Amp, double Freq, double Phase)[3];
            for (int k = 0; k < waves.Length; k++)
                waves[k] = (canvas.Height * Uniform(random, 0.01, 0.05) / (k + 1), Uniform(random, 0.6, 2.2) * (k + 1), Uniform(random, 0, 2 * Math.PI));
            var far = layer == 0 && layers == 2;
            var colour = Jitter(random, far ? (0.42f, 0.55f, 0.55f) : (0.30f, 0.50f, 0.26f), 0.06);
            double fieldPeriod = Uniform(random, 6, 12) * unit, fieldAngle = Uniform(random, -0.6, 0.6);
            double top = baseY - waves.Sum(w => w.Amp);
            canvas.Paint(0, top, canvas.Width, horizon + 1, (x, y, _) =>
            {
                double profile = baseY;
                foreach (var w in waves) profile -= w.Amp * Math.Sin(2 * Math.PI * w.Freq * x / canvas.Width + w.Phase);
                if (y < profile) return null;
                double depth = Math.Clamp((y - profile) / Math.Max(1, horizon - profile), 0, 1);
                double fields = 0.05 * Math.Sin(2 * Math.PI * (y + fieldAngle * x) / fieldPeriod);
                return Scale(colour, 1.08 - 0.25 * depth + fields);
            });
        }
    }

    private static void Ground(SceneCanvas canvas, ResumableRandom random, double horizon, double unit)
    {
        bool paving = random.NextDouble() < 0.4;
        var colour = paving ? Jitter(random, (0.55f, 0.52f, 0.48f), 0.05) : Jitter(random, (0.32f, 0.52f, 0.22f), 0.05);
        var joint = Scale(colour, 0.7);
        double bandPeriod = Uniform(random, 10, 18) * unit, bandSlope = Uniform(random, -1, 1);
        double tile = Uniform(random, 10, 18) * unit;
        bool road = random.NextDouble() < 0.5;
        double roadTop = horizon + (canvas.Height - horizon) * Uniform(random, 0.25, 0.5);
        double roadBottom = roadTop + (canvas.Height - horizon) * Uniform(random, 0.18, 0.3);
        double dash = Uniform(random, 8, 14) * unit;
        canvas.Paint(0, horizon, canvas.Width, canvas.Height, (x, y, _) =>
        {
            if (y < horizon) return null;
            double near = Math.Clamp((y - horizon) / (canvas.Height - horizon), 0, 1);
            if (road && y >= roadTop && y < roadBottom)
            {
                double mid = (roadTop + roadBottom) / 2;
                bool line = Math.Abs(y - mid) < 0.9 * unit && (x % (2 * dash)) < dash;
                return line ? (0.92f, 0.90f, 0.78f) : Scale((0.27f, 0.27f, 0.29f), 0.95 + 0.1 * near);
            }
            if (paving)
            {
                // Perspective tiles: columns converge at the vanishing point, rows get closer towards the horizon.
                double depth = y - horizon + 6 * unit;
                double u = (x - canvas.Width / 2.0) / depth * 3, v = tile * 8 / depth;
                double fu = u - Math.Floor(u), fv = v - Math.Floor(v);
                double thin = 0.06;
                bool groove = fu < thin || fv < thin * 2;
                var c = (Math.Floor(u) + Math.Floor(v)) % 2 == 0 ? colour : Scale(colour, 0.9);
                return Scale(groove ? joint : c, 0.85 + 0.25 * near);
            }
            double band = Math.Sin(2 * Math.PI * (x + bandSlope * y) / bandPeriod);
            return Scale(colour, 0.82 + 0.25 * near + 0.07 * Math.Sign(band) * Math.Min(1, Math.Abs(band) * 4));
        });
    }

    private static void Buildings(SceneCanvas canvas, ResumableRandom random, double horizon, double unit)
    {
        int count = 2 + random.Next(4);
        var specs = new List<(double X0, double Width, double Base, double Height)>();
        for (int i = 0; i < count; i++)
        {
            double w = canvas.Width * Uniform(random, 0.14, 0.3);
            double x0 = Uniform(random, -0.1, 1.0) * canvas.Width - w / 2;
            double baseY = horizon + (canvas.Height - horizon) * Uniform(random, 0, 0.25);
            double h = Math.Min(baseY - 4 * unit, canvas.Height * Uniform(random, 0.22, 0.5));
            specs.Add((x0, w, baseY, h));
        }
        foreach (var b in specs.OrderBy(s => s.Base)) Building(canvas, random, b.X0, b.Width, b.Base, b.Height, unit);
    }

    private static void Building(SceneCanvas canvas, ResumableRandom random, double x0, double w, double baseY, double h, double unit)
    {
        int facade = random.Next(4); // 0 bricks, 1 siding, 2 tiles, 3 plain
        var colour = facade switch
        {
            0 => Jitter(random, (0.58f, 0.30f, 0.22f), 0.06),
            1 => Jitter(random, random.Next(2) == 0 ? (0.86f, 0.82f, 0.70f) : (0.62f, 0.72f, 0.80f), 0.05),
            2 => Jitter(random, (0.62f, 0.60f, 0.56f), 0.06),
            _ => Jitter(random, (0.70f, 0.68f, 0.64f), 0.08),
        };
        var second = Scale(colour, 0.8);
        var mortar = (0.78f, 0.76f, 0.72f);
        double brickW = Uniform(random, 6, 9) * unit, brickH = brickW * 0.42, mortarW = 0.9 * unit;
        double siding = Uniform(random, 3.5, 5.5) * unit, tileSize = Uniform(random, 5, 9) * unit;
        bool lightLeft = random.Next(2) == 0;
        double top = baseY - h, x1 = x0 + w;

        bool windows = facade != 2 || random.NextDouble() < 0.5;
        double winW = Uniform(random, 4, 7) * unit, winH = Uniform(random, 6, 10) * unit;
        double gapX = Uniform(random, 3, 6) * unit, gapY = Uniform(random, 4, 7) * unit;
        int cols = Math.Max(1, (int)((w - gapX) / (winW + gapX)));
        int rows = Math.Max(1, (int)((h - 2 * gapY - 10 * unit) / (winH + gapY)));
        double startX = x0 + (w - (cols * winW + (cols - 1) * gapX)) / 2, startY = top + gapY + 2 * unit;
        ulong litSeed = random.NextUInt64();
        var glass = Jitter(random, (0.20f, 0.27f, 0.36f), 0.04);
        var frame = (0.86f, 0.85f, 0.82f);
        double doorW = Math.Min(w * 0.25, 8 * unit), doorH = Math.Min(h * 0.3, 13 * unit), doorX = x0 + w * Uniform(random, 0.3, 0.7) - doorW / 2;

        canvas.Paint(x0, top, x1, baseY, (x, y, _) =>
        {
            double u = x - x0, v = y - top;
            var c = colour;
            switch (facade)
            {
                case 0:
                {
                    int row = (int)Math.Floor(v / brickH);
                    double shifted = u + (row % 2) * brickW / 2;
                    int col = (int)Math.Floor(shifted / brickW);
                    if (v - row * brickH < mortarW || shifted - col * brickW < mortarW) c = mortar;
                    else c = Scale(colour, 0.9 + 0.2 * Hash(row, col, 17));
                    break;
                }
                case 1:
                {
                    double f = (v % siding) / siding;
                    c = Scale(colour, 0.8 + 0.2 * f);
                    break;
                }
                case 2:
                    c = ((int)Math.Floor(u / tileSize) + (int)Math.Floor(v / tileSize)) % 2 == 0 ? colour : second;
                    break;
                default:
                    c = Scale(colour, 1 - 0.08 * v / h);
                    break;
            }

            if (windows && v > 2 * unit)
            {
                double wx = x - startX, wy = y - startY;
                int col = (int)Math.Floor(wx / (winW + gapX)), row = (int)Math.Floor(wy / (winH + gapY));
                double lx = wx - col * (winW + gapX), ly = wy - row * (winH + gapY);
                if (col >= 0 && col < cols && row >= 0 && row < rows && lx < winW && ly < winH)
                {
                    double edge = Math.Min(Math.Min(lx, winW - lx), Math.Min(ly, winH - ly));
                    bool lit = Hash(row, col, (long)(litSeed % 100_000)) < 0.25;
                    c = edge < 0.9 * unit ? frame : lit ? Lerp((1f, 0.86f, 0.52f), (0.95f, 0.7f, 0.35f), ly / winH)
                        : Lerp(Scale(glass, 1.5), glass, ly / winH);
                }
            }
            if (x >= doorX && x < doorX + doorW && y >= baseY - doorH) c = Lerp((0.35f, 0.22f, 0.14f), (0.25f, 0.15f, 0.1f), (x - doorX) / doorW);

            double across = (x - x0) / w;
            double light = 0.8 + 0.3 * (lightLeft ? 1 - across : across);
            double occlusion = 1 - 0.3 * Math.Exp(-(baseY - y) / (4 * unit));
            return Scale(c, light * occlusion);
        });

        // Roof: a dark ledge, sometimes a gable with shingle lines.
        var roof = Jitter(random, random.Next(2) == 0 ? (0.45f, 0.18f, 0.14f) : (0.30f, 0.31f, 0.34f), 0.04);
        if (random.NextDouble() < 0.4)
        {
            double peak = Math.Min(w * Uniform(random, 0.2, 0.4), top - 1);
            double shingle = Uniform(random, 2.5, 4) * unit;
            canvas.Paint(x0 - unit, top - peak, x1 + unit, top + unit, (x, y, _) =>
            {
                double half = (w / 2 + unit) * (y - (top - peak)) / Math.Max(peak, 1e-6);
                if (Math.Abs(x - (x0 + w / 2)) > half) return null;
                double lines = ((top - y) % shingle) / shingle;
                bool left = x < x0 + w / 2;
                return Scale(roof, (lines < 0.2 ? 0.75 : 1.0) * (left == lightLeft ? 1.1 : 0.85));
            });
        }
        else
        {
            canvas.Paint(x0 - unit, top - 2 * unit, x1 + unit, top, (_, _, _) => Scale(roof, 0.9));
        }
    }

    private static void Trees(SceneCanvas canvas, ResumableRandom random, double horizon, double unit)
    {
        int count = random.Next(4);
        for (int i = 0; i < count; i++)
        {
            double x = Uniform(random, 0, canvas.Width);
            double baseY = horizon + (canvas.Height - horizon) * Uniform(random, 0.1, 0.6);
            double scale = Uniform(random, 0.8, 1.5) * unit * (0.6 + 0.8 * (baseY - horizon) / Math.Max(1, canvas.Height - horizon));
            double trunkW = 2.5 * scale, trunkH = 12 * scale, radius = Uniform(random, 8, 13) * scale;
            var leaves = Jitter(random, (0.20f, 0.42f, 0.18f), 0.05);
            double cy = baseY - trunkH - radius * 0.6;
            canvas.Paint(x - trunkW / 2, baseY - trunkH, x + trunkW / 2, baseY, (px, _, _) =>
                Scale((0.36f, 0.25f, 0.16f), 0.8 + 0.4 * (px - x + trunkW / 2) / trunkW));
            canvas.Paint(x - radius, cy - radius, x + radius, cy + radius, (px, py, _) =>
            {
                double dx = px - x, dy = py - cy;
                double d = Math.Sqrt(dx * dx + dy * dy);
                double wobble = radius * (1 + 0.08 * Math.Sin(6 * Math.Atan2(dy, dx)));
                if (d > wobble) return null;
                double shade = 0.85 - 0.25 * (dx + dy) / (1.4 * radius);
                double texture = 0.08 * Math.Sin(px * 1.7 / unit) * Math.Sin(py * 1.9 / unit);
                return Scale(leaves, shade + texture);
            });
        }
    }

    private static double Uniform(ResumableRandom random, double low, double high) => low + (high - low) * random.NextDouble();

    private static (float R, float G, float B) Jitter(ResumableRandom random, (float R, float G, float B) c, double amount) =>
        ((float)Math.Clamp(c.R + Uniform(random, -amount, amount), 0, 1),
         (float)Math.Clamp(c.G + Uniform(random, -amount, amount), 0, 1),
         (float)Math.Clamp(c.B + Uniform(random, -amount, amount), 0, 1));

    private static (float R, float G, float B) Scale((float R, float G, float B) c, double f) =>
        ((float)(c.R * f), (float)(c.G * f), (float)(c.B * f));

    private static (float R, float G, float B) Lerp((float R, float G, float B) a, (float R, float G, float B) b, double t) =>
        ((float)(a.R + (b.R - a.R) * t), (float)(a.G + (b.G - a.G) * t), (float)(a.B + (b.B - a.B) * t));

    /// <summary>A deterministic value in [0,1) for integer coordinates (per-brick and per-window variation).</summary>
    private static double Hash(long a, long b, long salt)
    {
        ulong z = unchecked((ulong)a * 0x9E3779B97F4A7C15UL ^ (ulong)b * 0xC2B2AE3D27D4EB4FUL ^ (ulong)salt * 0x165667B19E3779F9UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
