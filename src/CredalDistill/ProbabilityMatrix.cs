using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill;

/// <summary>
/// A validated row-major <c>n x K</c> matrix of probability vectors (one row per sample), stored in double
/// precision. Every row is finite, non-negative and sums to 1 within the tolerance given at construction
/// (or is renormalised when asked to); it is then divided by its (compensated) sum, once, here, so that stored rows sum
/// to 1 to double precision. A matrix built from logits also keeps the log-probabilities (log-softmax), which the exact
/// kernels read instead of the rounded probabilities (METHOD.md section 3.1a). Input may be float or double;
/// arithmetic is always double.
/// </summary>
public sealed class ProbabilityMatrix
{
    private readonly double[] _data;
    private readonly double[]? _log;

    private ProbabilityMatrix(double[] data, int rows, int classes, double[]? log = null)
    {
        _data = data;
        _log = log;
        Rows = rows;
        Classes = classes;
    }

    /// <summary>True when the matrix was built from logits and keeps the log-probabilities.</summary>
    public bool HasLogProbabilities => _log is not null;

    /// <summary>Row <paramref name="i"/> of log-probabilities (only when <see cref="HasLogProbabilities"/>).</summary>
    public ReadOnlySpan<double> LogRow(int i)
        => _log is null ? throw new InvalidOperationException("This matrix was built from probabilities; it holds no log-probabilities.") : _log.AsSpan(i * Classes, Classes);

    /// <summary>Row <paramref name="i"/> as the kernels read it: the log-probabilities when kept, the probabilities otherwise.</summary>
    public EdgeRow AsEdgeRow(int i) => _log is null ? EdgeRow.Trusted(Row(i), false) : EdgeRow.Trusted(_log.AsSpan(i * Classes, Classes), true);

    /// <summary>Number of rows (samples) <c>n</c>.</summary>
    public int Rows { get; }

    /// <summary>Number of classes <c>K</c>.</summary>
    public int Classes { get; }

    /// <summary>The row-major data, length <c>Rows * Classes</c>.</summary>
    public ReadOnlySpan<double> Data => _data;

    /// <summary>Row <paramref name="i"/> as a span of <c>K</c> probabilities.</summary>
    public ReadOnlySpan<double> this[int i] => _data.AsSpan(i * Classes, Classes);

    /// <summary>Row <paramref name="i"/> as a span of <c>K</c> probabilities.</summary>
    public ReadOnlySpan<double> Row(int i) => _data.AsSpan(i * Classes, Classes);

    /// <summary>Index of the largest probability of row <paramref name="i"/> (first on ties).</summary>
    public int ArgMax(int i) => Metrics.MetricInput.ArgMax(Row(i));

    /// <summary>
    /// Wraps (copies) row-major probabilities. Each row is validated; with <paramref name="renormalize"/> a row
    /// that is finite, non-negative and has a positive sum is divided by its sum instead of being rejected
    /// when it is off by more than <paramref name="tolerance"/>.
    /// </summary>
    /// <param name="data">Row-major values, length <c>rows * classes</c>.</param>
    /// <param name="classes">Number of classes <c>K &gt;= 2</c>.</param>
    /// <param name="argument">Name quoted in error messages (e.g. a file name).</param>
    /// <param name="renormalize">Divide each row by its sum (always exact to double precision afterwards).</param>
    /// <param name="tolerance">Allowed <c>|sum - 1|</c> when not renormalising.</param>
    public static ProbabilityMatrix FromProbabilities(ReadOnlySpan<double> data, int classes, string argument = "probabilities", bool renormalize = false, double tolerance = Check.DefaultSumTolerance)
    {
        Check.Classes(classes, nameof(classes));
        int rows = RowCount(data.Length, classes, argument);
        var copy = data.ToArray();
        Finish(copy, rows, classes, argument, renormalize, tolerance);
        return new ProbabilityMatrix(copy, rows, classes);
    }

    /// <summary>Single-precision overload of <see cref="FromProbabilities(ReadOnlySpan{double}, int, string, bool, double)"/>; values are widened to double.</summary>
    public static ProbabilityMatrix FromProbabilities(ReadOnlySpan<float> data, int classes, string argument = "probabilities", bool renormalize = false, double tolerance = Check.DefaultSumTolerance)
    {
        Check.Classes(classes, nameof(classes));
        int rows = RowCount(data.Length, classes, argument);
        var copy = new double[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            copy[i] = data[i];
        }

        Finish(copy, rows, classes, argument, renormalize, tolerance);
        return new ProbabilityMatrix(copy, rows, classes);
    }

    /// <summary>Applies the stable softmax <c>softmax(z / T)</c> to every row of row-major logits.</summary>
    public static ProbabilityMatrix FromLogits(ReadOnlySpan<double> logits, int classes, string argument = "logits", double temperature = 1.0)
    {
        Check.Classes(classes, nameof(classes));
        int rows = RowCount(logits.Length, classes, argument);
        var result = new double[logits.Length];
        var log = new double[logits.Length];
        for (int i = 0; i < rows; i++)
        {
            var z = logits.Slice(i * classes, classes);
            Check.Finite(z, argument, i);
            Softmax.Compute(z, result.AsSpan(i * classes, classes), temperature);
            Softmax.LogCompute(z, log.AsSpan(i * classes, classes), temperature);
        }

        return new ProbabilityMatrix(result, rows, classes, log);
    }

    /// <summary>Single-precision overload of <see cref="FromLogits(ReadOnlySpan{double}, int, string, double)"/>.</summary>
    public static ProbabilityMatrix FromLogits(ReadOnlySpan<float> logits, int classes, string argument = "logits", double temperature = 1.0)
    {
        var wide = new double[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            wide[i] = logits[i];
        }

        return FromLogits(wide, classes, argument, temperature);
    }

    /// <summary>Takes ownership of validated probability rows (sums within tolerance), dividing each by its sum.</summary>
    internal static ProbabilityMatrix WrapProbabilities(double[] data, int classes)
    {
        for (int i = 0; i < data.Length; i += classes)
        {
            ClassMasses.Normalize(data.AsSpan(i, classes));
        }

        return new(data, data.Length / classes, classes);
    }

    /// <summary>Takes ownership of validated (finite) logits: they become the kept log-probabilities; the probabilities are their softmax.</summary>
    internal static ProbabilityMatrix WrapLogits(double[] logits, int classes)
    {
        var probabilities = new double[logits.Length];
        for (int i = 0; i < logits.Length; i += classes)
        {
            var z = logits.AsSpan(i, classes);
            Softmax.Compute(z, probabilities.AsSpan(i, classes));
            Softmax.LogCompute(z, z);
        }

        return new(probabilities, logits.Length / classes, classes, logits);
    }

    /// <summary>
    /// Takes ownership of log-probability rows (each a log-softmax: finite or -inf, at least one finite entry): they are
    /// kept for the exact kernels, and the probabilities are their exponentials divided by the row's compensated sum.
    /// </summary>
    internal static ProbabilityMatrix WrapLogProbabilities(double[] log, int classes)
    {
        var probabilities = new double[log.Length];
        for (int i = 0; i < log.Length; i += classes)
        {
            FromLogProbabilities(log.AsSpan(i, classes), probabilities.AsSpan(i, classes));
        }

        return new(probabilities, log.Length / classes, classes, log);
    }

    /// <summary>The probabilities of one log-probability row: <c>exp(log p_k)</c> divided by their compensated sum (the row rule of <see cref="WrapLogProbabilities"/>).</summary>
    internal static void FromLogProbabilities(ReadOnlySpan<double> log, Span<double> p)
    {
        VectorLogMath.ExpAffine(log, 1.0, 0.0, p);
        ClassMasses.Normalize(p);
    }

    /// <summary>Takes ownership of an already-validated array (internal fast path).</summary>
    internal static ProbabilityMatrix Wrap(double[] data, int classes) => new(data, data.Length / classes, classes);

    /// <summary>The rows selected by <paramref name="indices"/>, in that order.</summary>
    public ProbabilityMatrix Select(ReadOnlySpan<int> indices)
    {
        var result = new double[indices.Length * Classes];
        var log = _log is null ? null : new double[indices.Length * Classes];
        for (int i = 0; i < indices.Length; i++)
        {
            Row(indices[i]).CopyTo(result.AsSpan(i * Classes, Classes));
            if (log is not null)
            {
                LogRow(indices[i]).CopyTo(log.AsSpan(i * Classes, Classes));
            }
        }

        return new ProbabilityMatrix(result, indices.Length, Classes, log);
    }

    /// <summary>A copy of the data as a new array.</summary>
    public double[] ToArray() => (double[])_data.Clone();

    private static int RowCount(int length, int classes, string argument)
    {
        if (length % classes != 0)
        {
            throw new ArgumentException($"{argument}: {length} values do not form rows of {classes} classes.", argument);
        }

        return length / classes;
    }

    private static void Finish(double[] data, int rows, int classes, string argument, bool renormalize, double tolerance)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = data.AsSpan(i * classes, classes);
            if (renormalize)
            {
                Check.Finite(row, argument, i);
                double sum = 0.0;
                for (int k = 0; k < classes; k++)
                {
                    if (row[k] < 0.0)
                    {
                        throw new ArgumentException($"{argument} row {i}, column {k}: probability {Check.Format(row[k])} is negative.", argument);
                    }

                    sum += row[k];
                }

                if (!(sum > 0.0))
                {
                    throw new ArgumentException($"{argument} row {i}: probabilities sum to 0; cannot renormalise.", argument);
                }

                ClassMasses.Normalize(row);
            }
            else
            {
                Check.Distribution(row, argument, i, tolerance);
                ClassMasses.Normalize(row);
            }
        }
    }
}
