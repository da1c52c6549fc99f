using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill;

/// <summary>
/// One edge output as the exact kernels read it: a probability vector, or logits (log-probabilities up to a constant).
/// Logits stay logits: the kernels take <c>log p_k = z_k - logsumexp(z)</c> and the mass of the other classes
/// <c>log r_k = logsumexp_{j != k} z_j - logsumexp(z)</c> from them (METHOD.md section 3.1a), so a near-one-hot output whose
/// small probabilities underflow double, or whose <c>1 - p_k</c> is below double's resolution next to 1, keeps its exact
/// credal set. A probability row is divided by its sum (it must sum to 1 within tolerance).
/// </summary>
public readonly ref struct EdgeRow
{
    private EdgeRow(ReadOnlySpan<double> values, bool isLogits)
    {
        Values = values;
        IsLogits = isLogits;
    }

    /// <summary>The probabilities or logits, one per class.</summary>
    public ReadOnlySpan<double> Values { get; }

    /// <summary>True when <see cref="Values"/> are logits.</summary>
    public bool IsLogits { get; }

    /// <summary>The number of classes <c>K</c>.</summary>
    public int Classes => Values.Length;

    /// <summary>A probability row: finite, non-negative, summing to 1 within <see cref="Check.DefaultSumTolerance"/> (checked here).</summary>
    public static EdgeRow FromProbabilities(ReadOnlySpan<double> p)
    {
        Check.Classes(p.Length, nameof(p));
        Check.Distribution(p, nameof(p));
        return new EdgeRow(p, false);
    }

    /// <summary>A row of finite logits (checked here), e.g. log-probabilities.</summary>
    public static EdgeRow FromLogits(ReadOnlySpan<double> logits)
    {
        Check.Classes(logits.Length, nameof(logits));
        Check.Finite(logits, nameof(logits));
        return new EdgeRow(logits, true);
    }

    /// <summary>The predicted class <c>argmax_k p_k</c>, lowest index on ties (logits give the same class as their softmax).</summary>
    public int ArgMax() => Metrics.MetricInput.ArgMax(Values);

    /// <summary>Wraps an already validated row.</summary>
    internal static EdgeRow Trusted(ReadOnlySpan<double> values, bool isLogits) => new(values, isLogits);

    /// <summary>Writes <c>log p_k</c> alone (-inf for a zero probability).</summary>
    internal void LogProbabilities(Span<double> logP)
    {
        if (IsLogits)
        {
            Softmax.LogCompute(Values, logP);
            return;
        }

        VectorLogMath.LogMinus(Values, Math.Log(Neumaier.Sum(Values)), logP);
    }

    /// <summary>Writes the normalised probabilities <c>exp(log p_k)</c> (zeros where they underflow; logits may hold -inf for a zero).</summary>
    internal void Probabilities(Span<double> p)
    {
        if (IsLogits)
        {
            VectorLogMath.ExpAffine(Values, 1.0, LogMath.LogSumExp(Values), p);
            ClassMasses.Normalize(p);
        }
        else
        {
            Values.CopyTo(p);
            ClassMasses.Normalize(p);
        }
    }
}
