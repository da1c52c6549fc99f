using System.Globalization;

namespace CredalDistill.Validation;

/// <summary>
/// Shared input checks used by every public entry point. Each failure throws an
/// <see cref="ArgumentException"/> (or <see cref="ArgumentOutOfRangeException"/>) whose message
/// names the argument, the row (0-based) and the problem.
/// </summary>
internal static class Check
{
    /// <summary>Default tolerance on <c>|sum_k p_k - 1|</c> for a probability row.</summary>
    public const double DefaultSumTolerance = 1e-6;

    /// <summary>Requires <paramref name="epsilon"/> in the open interval (0, 1).</summary>
    public static void Epsilon(double epsilon, string argument = "epsilon")
    {
        if (!(epsilon > 0.0 && epsilon < 1.0))
        {
            throw new ArgumentOutOfRangeException(argument, epsilon, $"{argument} must lie in the open interval (0, 1); got {Format(epsilon)}.");
        }
    }

    /// <summary>Requires a threshold <c>gamma &gt;= 0</c> (may be +infinity, never NaN).</summary>
    public static void Gamma(double gamma, string argument = "gamma")
    {
        if (double.IsNaN(gamma) || gamma < 0.0)
        {
            throw new ArgumentOutOfRangeException(argument, gamma, $"{argument} must be >= 0 (or +infinity); got {Format(gamma)}.");
        }
    }

    /// <summary>Requires a positive integer count.</summary>
    public static void Positive(int value, string argument)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(argument, value, $"{argument} must be positive; got {value}.");
        }
    }

    /// <summary>Requires at least two classes.</summary>
    public static void Classes(int classes, string argument = "classes")
    {
        if (classes < 2)
        {
            throw new ArgumentOutOfRangeException(argument, classes, $"{argument} must be at least 2; got {classes}.");
        }
    }

    /// <summary>Requires two spans to have the same length.</summary>
    public static void SameLength(int expected, int actual, string argument)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"{argument} has length {actual}; expected {expected} (one entry per class).", argument);
        }
    }

    /// <summary>Requires <paramref name="rows"/> to equal <paramref name="expectedRows"/>.</summary>
    public static void SameRows(int expectedRows, int rows, string argument)
    {
        if (expectedRows != rows)
        {
            throw new ArgumentException($"{argument} has {rows} rows; expected {expectedRows} (one per sample).", argument);
        }
    }

    /// <summary>Requires <paramref name="classes"/> to equal <paramref name="expectedClasses"/>.</summary>
    public static void SameClasses(int expectedClasses, int classes, string argument)
    {
        if (expectedClasses != classes)
        {
            throw new ArgumentException($"{argument} has {classes} classes; expected {expectedClasses}.", argument);
        }
    }

    /// <summary>Requires every value to be finite (no NaN, no infinity).</summary>
    public static void Finite(ReadOnlySpan<double> values, string argument, int row = -1)
    {
        for (int k = 0; k < values.Length; k++)
        {
            if (!double.IsFinite(values[k]))
            {
                throw new ArgumentException($"{argument}{Where(row, k)}: value {Format(values[k])} is not finite.", argument);
            }
        }
    }

    /// <summary>
    /// Requires a probability vector: finite, non-negative entries whose sum is 1 within
    /// <paramref name="tolerance"/>. <paramref name="row"/> (0-based, or -1) is quoted in the message.
    /// </summary>
    public static void Distribution(ReadOnlySpan<double> p, string argument, int row = -1, double tolerance = DefaultSumTolerance)
    {
        double sum = 0.0;
        for (int k = 0; k < p.Length; k++)
        {
            double v = p[k];
            if (!double.IsFinite(v))
            {
                throw new ArgumentException($"{argument}{Where(row, k)}: probability {Format(v)} is not finite.", argument);
            }

            if (v < 0.0)
            {
                throw new ArgumentException($"{argument}{Where(row, k)}: probability {Format(v)} is negative.", argument);
            }

            sum += v;
        }

        if (Math.Abs(sum - 1.0) > tolerance)
        {
            throw new ArgumentException($"{argument}{Where(row, -1)}: probabilities sum to {Format(sum)}, not 1 (tolerance {Format(tolerance)}); renormalise or check the input.", argument);
        }
    }

    /// <summary>Requires labels in [0, classes).</summary>
    public static void Labels(ReadOnlySpan<int> labels, int classes, string argument = "labels")
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentException($"{argument} row {i}: label {labels[i]} is outside [0, {classes - 1}].", argument);
            }
        }
    }

    /// <summary>Requires at least one sample (<c>count &gt;= 1</c>); <paramref name="what"/> says what is counted.</summary>
    public static void NotEmpty(int count, string argument, string what = "samples")
    {
        if (count < 1)
        {
            throw new ArgumentException($"{argument} is empty: at least one row of {what} is required.", argument);
        }
    }

    /// <summary>Requires an output span of <paramref name="expected"/> entries (one per row).</summary>
    public static void DestinationLength(int expected, int actual, string argument = "destination")
    {
        if (expected != actual)
        {
            throw new ArgumentException($"{argument} has length {actual}; expected {expected} (one entry per row).", argument);
        }
    }

    /// <summary>
    /// Requires conformity scores: no NaN and no -infinity (a score is a divergence, or at least a real number);
    /// +infinity is allowed (e.g. KL when the edge puts zero probability where the cloud does not).
    /// </summary>
    public static void Scores(ReadOnlySpan<double> scores, string argument = "scores")
    {
        for (int i = 0; i < scores.Length; i++)
        {
            double s = scores[i];
            if (double.IsNaN(s) || double.IsNegativeInfinity(s))
            {
                throw new ArgumentException($"{argument} row {i}: score {Format(s)} is not allowed (NaN and -infinity are rejected; +infinity is allowed).", argument);
            }
        }
    }

    /// <summary>
    /// Requires row-major probabilities of <paramref name="classes"/> columns: at least 2 classes, a length that is
    /// a multiple of <paramref name="classes"/>, and every row a distribution (see <see cref="Distribution"/>).
    /// Returns the number of rows <c>data.Length / classes</c>.
    /// </summary>
    public static int ProbabilityRows(ReadOnlySpan<double> data, int classes, string argument = "probabilities", double tolerance = DefaultSumTolerance)
    {
        Classes(classes, nameof(classes));
        if (data.Length % classes != 0)
        {
            throw new ArgumentException($"{argument}: {data.Length} values do not form rows of {classes} classes.", argument);
        }

        int rows = data.Length / classes;
        for (int i = 0; i < rows; i++)
        {
            Distribution(data.Slice(i * classes, classes), argument, i, tolerance);
        }

        return rows;
    }

    /// <summary>
    /// Requires a row-major matrix of <paramref name="columns"/> columns: <c>columns &gt;= 1</c> and a length that is a
    /// multiple of <paramref name="columns"/>. Returns the number of rows <c>length / columns</c>.
    /// </summary>
    public static int MatrixRows(int length, int columns, string argument, string columnName = "columns")
    {
        Positive(columns, columnName);
        if (length % columns != 0)
        {
            throw new ArgumentException($"{argument}: {length} values do not form rows of {columns} {columnName}.", argument);
        }

        return length / columns;
    }

    /// <summary>Requires every row of a row-major matrix to be finite; the message names the row and column.</summary>
    public static void FiniteRows(ReadOnlySpan<double> data, int columns, string argument)
    {
        int rows = data.Length / columns;
        for (int i = 0; i < rows; i++)
        {
            Finite(data.Slice(i * columns, columns), argument, i);
        }
    }

    /// <summary>Requires a finite number <c>&gt; 0</c> (e.g. a temperature or a prior precision).</summary>
    public static void PositiveFinite(double value, string argument)
    {
        if (!(value > 0.0) || double.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(argument, value, $"{argument} must be a finite number > 0; got {Format(value)}.");
        }
    }

    private static string Where(int row, int column)
    {
        if (row >= 0 && column >= 0)
        {
            return $" row {row}, column {column}";
        }

        if (row >= 0)
        {
            return $" row {row}";
        }

        return column >= 0 ? $" entry {column}" : string.Empty;
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
