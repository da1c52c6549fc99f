using CredalDistill.Experiments.Data;

namespace CredalDistill.Experiments;

/// <summary>
/// A simulated covariate shift of the Fashion-MNIST test images (pixels in [0, 1]): Gaussian noise of standard
/// deviation <see cref="Severity"/> (clipped to [0, 1]), a box blur of radius <see cref="Severity"/> pixels, or a
/// rotation by <see cref="Severity"/> degrees about the centre (bilinear, zero outside). Seeded and deterministic.
/// </summary>
/// <param name="Kind">noise, blur or rotation.</param>
/// <param name="Severity">Noise standard deviation, blur radius (pixels) or rotation angle (degrees).</param>
public sealed record ImageShift(string Kind, double Severity)
{
    /// <summary>The shifts of the experiment: moderate noise, blur and rotation.</summary>
    public static IReadOnlyList<ImageShift> Defaults { get; } = [new("noise", 0.15), new("blur", 1), new("rotation", 15)];

    /// <summary>Short name, e.g. "noise 0.3".</summary>
    public string Name => $"{Kind} {Severity:0.###}";

    /// <summary>The shifted copy of <paramref name="count"/> row-major 28 x 28 images.</summary>
    public float[] Apply(ReadOnlySpan<float> images, int count, ulong seed)
    {
        const int side = FashionMnistDataset.Side, per = FashionMnistDataset.PixelsPerImage;
        var result = new float[count * per];
        var rng = new Random((int)(seed % int.MaxValue));
        for (int i = 0; i < count; i++)
        {
            var src = images.Slice(i * per, per);
            var dst = result.AsSpan(i * per, per);
            switch (Kind)
            {
                case "noise":
                    for (int j = 0; j < per; j++)
                    {
                        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                        double z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
                        dst[j] = (float)Math.Clamp(src[j] + (Severity * z), 0.0, 1.0);
                    }

                    break;
                case "blur":
                    int r = (int)Severity;
                    for (int y = 0; y < side; y++)
                    {
                        for (int x = 0; x < side; x++)
                        {
                            double sum = 0;
                            int n = 0;
                            for (int dy = -r; dy <= r; dy++)
                            {
                                for (int dx = -r; dx <= r; dx++)
                                {
                                    int yy = y + dy, xx = x + dx;
                                    if (yy >= 0 && yy < side && xx >= 0 && xx < side)
                                    {
                                        sum += src[(yy * side) + xx];
                                        n++;
                                    }
                                }
                            }

                            dst[(y * side) + x] = (float)(sum / n);
                        }
                    }

                    break;
                case "rotation":
                    double angle = Severity * Math.PI / 180.0, cos = Math.Cos(angle), sin = Math.Sin(angle), c = (side - 1) / 2.0;
                    for (int y = 0; y < side; y++)
                    {
                        for (int x = 0; x < side; x++)
                        {
                            // Inverse map: the source point that lands on (x, y).
                            double sx = (cos * (x - c)) + (sin * (y - c)) + c;
                            double sy = (-sin * (x - c)) + (cos * (y - c)) + c;
                            dst[(y * side) + x] = (float)Bilinear(src, sx, sy);
                        }
                    }

                    break;
                default:
                    throw new ArgumentException($"unknown image shift '{Kind}'; expected noise, blur or rotation.");
            }
        }

        return result;
    }

    private static double Bilinear(ReadOnlySpan<float> image, double x, double y)
    {
        const int side = FashionMnistDataset.Side;
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        double fx = x - x0, fy = y - y0, value = 0;
        for (int dy = 0; dy <= 1; dy++)
        {
            for (int dx = 0; dx <= 1; dx++)
            {
                int xx = x0 + dx, yy = y0 + dy;
                if (xx >= 0 && xx < side && yy >= 0 && yy < side)
                {
                    value += image[(yy * side) + xx] * (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy);
                }
            }
        }

        return value;
    }
}
