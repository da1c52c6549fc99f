using CredalDistill.Numerics;

namespace CredalDistill.Baselines;

/// <summary>
/// Full GGN posterior: <c>H = sum_i Lambda_i (x) a_i a_i^T</c> (<c>P x P</c>, <c>P = K E</c>), decomposed once as
/// <c>H = Q diag(lambda) Q^T</c>, so <c>Sigma(delta) = Q diag(1 / (lambda + delta)) Q^T</c> and
/// <c>S_kk = sum_j w_kj^2 / (lambda_j + delta)</c> with <c>w_kj = sum_e Q[k E + e, j] a_e</c>.
/// </summary>
internal sealed class FullLaplacePosterior : LaplacePosterior
{
    private readonly double[] _eigenvalues;
    private readonly double[] _eigenvectors;

    private FullLaplacePosterior(int classes, int width, double[] hessian)
        : base(classes, width)
    {
        Hessian = hessian;
        int p = classes * width;
        _eigenvalues = new double[p];
        _eigenvectors = new double[p * p];
        SymmetricEigen.Decompose((double[])hessian.Clone(), p, _eigenvalues, _eigenvectors);
        for (int j = 0; j < p; j++)
        {
            _eigenvalues[j] = Math.Max(_eigenvalues[j], 0.0);
        }
    }

    /// <summary>The GGN <c>H</c>, row-major <c>P x P</c>, class-major parameter order.</summary>
    public double[] Hessian { get; }

    public override int ProjectionLength => Classes * Classes * Width;

    /// <summary>Builds <c>H_(k,e),(l,f) = sum_i Lambda_i[k,l] a_ie a_if</c> and decomposes it.</summary>
    public static FullLaplacePosterior Build(ReadOnlySpan<double> inputs, ReadOnlySpan<double> probabilities, int classes, int width)
    {
        int rows = inputs.Length / width;
        int p = classes * width;
        var h = new double[p * p];
        var outer = new double[width * width];
        for (int i = 0; i < rows; i++)
        {
            var x = inputs.Slice(i * width, width);
            for (int e = 0; e < width; e++)
            {
                for (int f = e; f < width; f++)
                {
                    outer[(e * width) + f] = x[e] * x[f];
                }
            }

            var prob = probabilities.Slice(i * classes, classes);
            for (int k = 0; k < classes; k++)
            {
                for (int l = k; l < classes; l++)
                {
                    double lambda = (k == l ? prob[k] : 0.0) - (prob[k] * prob[l]);
                    for (int e = 0; e < width; e++)
                    {
                        var target = h.AsSpan((((k * width) + e) * p) + (l * width), width);
                        for (int f = e; f < width; f++)
                        {
                            target[f] += lambda * outer[(e * width) + f];
                        }
                    }
                }
            }
        }

        // Only k <= l and e <= f were accumulated. Each block Lambda_kl a a^T is symmetric in (e, f) and block (l, k)
        // equals block (k, l), so every other entry is a copy of (min k, min e), (max k, max e).
        for (int r = 0; r < p; r++)
        {
            int kr = r / width, er = r % width;
            for (int c = 0; c < p; c++)
            {
                int kc = c / width, ec = c % width;
                if (kr > kc || er > ec)
                {
                    int source = (((Math.Min(kr, kc) * width) + Math.Min(er, ec)) * p) + (Math.Max(kr, kc) * width) + Math.Max(er, ec);
                    h[(r * p) + c] = h[source];
                }
            }
        }

        return new FullLaplacePosterior(classes, width, h);
    }

    public override void Project(ReadOnlySpan<double> input, Span<double> projection)
    {
        int p = Classes * Width;
        for (int k = 0; k < Classes; k++)
        {
            var wk = projection.Slice(k * p, p);
            wk.Clear();
            for (int e = 0; e < Width; e++)
            {
                double ae = input[e];
                if (ae == 0.0)
                {
                    continue;
                }

                var row = _eigenvectors.AsSpan(((k * Width) + e) * p, p);
                for (int j = 0; j < p; j++)
                {
                    wk[j] += row[j] * ae;
                }
            }

            for (int j = 0; j < p; j++)
            {
                wk[j] *= wk[j];
            }
        }
    }

    public override void Variances(Span<double> projection, double delta, Span<double> variances)
    {
        int p = Classes * Width;
        for (int k = 0; k < Classes; k++)
        {
            var wk = projection.Slice(k * p, p);
            double s = 0.0;
            for (int j = 0; j < p; j++)
            {
                s += wk[j] / (_eigenvalues[j] + delta);
            }

            variances[k] = s;
        }
    }
}
