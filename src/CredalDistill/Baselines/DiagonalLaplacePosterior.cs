namespace CredalDistill.Baselines;

/// <summary>
/// Diagonal GGN posterior: precision <c>h_ke + delta</c> with <c>h_ke = sum_i p_ik (1 - p_ik) a_ie^2</c>, so the logit
/// variances are <c>S_kk = sum_e a_e^2 / (h_ke + delta)</c> (the diagonal posterior has no cross-class terms).
/// </summary>
internal sealed class DiagonalLaplacePosterior : LaplacePosterior
{
    public DiagonalLaplacePosterior(int classes, int width, double[] hessianDiagonal)
        : base(classes, width)
    {
        HessianDiagonal = hessianDiagonal;
    }

    /// <summary><c>h</c>, class-major (<c>K x E</c>).</summary>
    public double[] HessianDiagonal { get; }

    public override int ProjectionLength => Width;

    /// <summary>Builds <c>h_ke = sum_i p_ik (1 - p_ik) a_ie^2</c> from the MAP probabilities and augmented inputs.</summary>
    public static DiagonalLaplacePosterior Build(ReadOnlySpan<double> inputs, ReadOnlySpan<double> probabilities, int classes, int width)
    {
        int rows = inputs.Length / width;
        var h = new double[classes * width];
        for (int i = 0; i < rows; i++)
        {
            var a = inputs.Slice(i * width, width);
            var p = probabilities.Slice(i * classes, classes);
            for (int k = 0; k < classes; k++)
            {
                double lambda = p[k] * (1.0 - p[k]);
                var hk = h.AsSpan(k * width, width);
                for (int e = 0; e < width; e++)
                {
                    hk[e] += lambda * a[e] * a[e];
                }
            }
        }

        return new DiagonalLaplacePosterior(classes, width, h);
    }

    public override void Project(ReadOnlySpan<double> input, Span<double> projection)
    {
        for (int e = 0; e < Width; e++)
        {
            projection[e] = input[e] * input[e];
        }
    }

    public override void Variances(Span<double> projection, double delta, Span<double> variances)
    {
        for (int k = 0; k < Classes; k++)
        {
            var hk = HessianDiagonal.AsSpan(k * Width, Width);
            double s = 0.0;
            for (int e = 0; e < Width; e++)
            {
                s += projection[e] / (hk[e] + delta);
            }

            variances[k] = s;
        }
    }
}
