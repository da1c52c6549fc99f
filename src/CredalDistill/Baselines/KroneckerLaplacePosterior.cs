using CredalDistill.Numerics;

namespace CredalDistill.Baselines;

/// <summary>
/// KFAC posterior: <c>H ~ G (x) A</c>, <c>A = sum_i a_i a_i^T</c>, <c>G = (1/n) sum_i Lambda_i</c>. With
/// <c>A = Q_A diag(l_A) Q_A^T</c>, <c>G = Q_G diag(l_G) Q_G^T</c> and <c>v = Q_A^T a</c>, the logit covariance is
/// <c>S = sum_g sum_j q_g q_g^T v_j^2 / (l_G,g l_A,j + delta)</c>, so
/// <c>S_kk = sum_g Q_G[k,g]^2 sum_j v_j^2 / (l_G,g l_A,j + delta)</c>.
/// </summary>
internal sealed class KroneckerLaplacePosterior : LaplacePosterior
{
    private readonly double[] _inputEigenvalues;
    private readonly double[] _inputEigenvectors;
    private readonly double[] _outputEigenvalues;
    private readonly double[] _outputEigenvectors;

    private KroneckerLaplacePosterior(int classes, int width, double[] inputFactor, double[] outputFactor)
        : base(classes, width)
    {
        InputFactor = inputFactor;
        OutputFactor = outputFactor;
        _inputEigenvalues = new double[width];
        _inputEigenvectors = new double[width * width];
        SymmetricEigen.Decompose((double[])inputFactor.Clone(), width, _inputEigenvalues, _inputEigenvectors);
        _outputEigenvalues = new double[classes];
        _outputEigenvectors = new double[classes * classes];
        SymmetricEigen.Decompose((double[])outputFactor.Clone(), classes, _outputEigenvalues, _outputEigenvectors);
        ClampNonNegative(_inputEigenvalues);
        ClampNonNegative(_outputEigenvalues);
    }

    /// <summary><c>A = sum_i a_i a_i^T</c>, row-major <c>E x E</c>.</summary>
    public double[] InputFactor { get; }

    /// <summary><c>G = (1/n) sum_i Lambda_i</c>, row-major <c>K x K</c>.</summary>
    public double[] OutputFactor { get; }

    public override int ProjectionLength => Width + Classes;

    /// <summary>Builds the two factors from the MAP probabilities and augmented inputs and decomposes them.</summary>
    public static KroneckerLaplacePosterior Build(ReadOnlySpan<double> inputs, ReadOnlySpan<double> probabilities, int classes, int width)
    {
        int rows = inputs.Length / width;
        var a = new double[width * width];
        var g = new double[classes * classes];
        for (int i = 0; i < rows; i++)
        {
            var x = inputs.Slice(i * width, width);
            for (int e = 0; e < width; e++)
            {
                double xe = x[e];
                for (int f = e; f < width; f++)
                {
                    a[(e * width) + f] += xe * x[f];
                }
            }

            var p = probabilities.Slice(i * classes, classes);
            for (int k = 0; k < classes; k++)
            {
                g[(k * classes) + k] += p[k];
                for (int l = k; l < classes; l++)
                {
                    g[(k * classes) + l] -= p[k] * p[l];
                }
            }
        }

        for (int e = 0; e < width; e++)
        {
            for (int f = 0; f < e; f++)
            {
                a[(e * width) + f] = a[(f * width) + e];
            }
        }

        for (int k = 0; k < classes; k++)
        {
            for (int l = k; l < classes; l++)
            {
                g[(k * classes) + l] /= rows;
            }

            for (int l = 0; l < k; l++)
            {
                g[(k * classes) + l] = g[(l * classes) + k];
            }
        }

        return new KroneckerLaplacePosterior(classes, width, a, g);
    }

    public override void Project(ReadOnlySpan<double> input, Span<double> projection)
    {
        for (int j = 0; j < Width; j++)
        {
            double v = 0.0;
            for (int e = 0; e < Width; e++)
            {
                v += _inputEigenvectors[(e * Width) + j] * input[e];
            }

            projection[j] = v * v;
        }
    }

    public override void Variances(Span<double> projection, double delta, Span<double> variances)
    {
        var squares = projection[..Width];
        var perDirection = projection.Slice(Width, Classes);
        for (int g = 0; g < Classes; g++)
        {
            double lg = _outputEigenvalues[g];
            double s = 0.0;
            for (int j = 0; j < Width; j++)
            {
                s += squares[j] / ((lg * _inputEigenvalues[j]) + delta);
            }

            perDirection[g] = s;
        }

        for (int k = 0; k < Classes; k++)
        {
            double s = 0.0;
            for (int g = 0; g < Classes; g++)
            {
                double q = _outputEigenvectors[(k * Classes) + g];
                s += q * q * perDirection[g];
            }

            variances[k] = s;
        }
    }

    private static void ClampNonNegative(double[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Max(values[i], 0.0);
        }
    }
}
