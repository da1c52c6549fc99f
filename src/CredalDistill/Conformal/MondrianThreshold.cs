using System.Globalization;
using CredalDistill.Divergences;

namespace CredalDistill.Conformal;

/// <summary>
/// Mondrian CD-CI thresholds by the edge's predicted class (METHOD.md section 3.4): calibration rows are grouped by
/// <c>c = argmax p_edge</c> (lowest index on ties) and each group gets the split-conformal threshold
/// <c>gamma_c = s_(k_c)</c>, <c>k_c = ceil((n_c + 1)(1 - eps))</c>, of its own <c>n_c</c> scores (+infinity when
/// <c>k_c &gt; n_c</c>). A row uses <c>gamma_{argmax p_edge}</c>; coverage <c>&gt;= 1 - eps</c> then holds within each
/// predicted class. Built by <see cref="MondrianCalibrator"/>.
/// </summary>
public sealed class MondrianThreshold
{
    private readonly ConformalThreshold?[] _classes;

    internal MondrianThreshold(ConformalThreshold?[] classes, double epsilon, IDivergence divergence, int n)
    {
        _classes = classes;
        Epsilon = epsilon;
        Divergence = divergence;
        N = n;
    }

    /// <summary>Target miscoverage <c>eps</c> within each predicted class.</summary>
    public double Epsilon { get; }

    /// <summary>The score divergence.</summary>
    public IDivergence Divergence { get; }

    /// <summary>Total calibration size (all classes).</summary>
    public int N { get; }

    /// <summary>Number of classes <c>K</c>.</summary>
    public int Classes => _classes.Length;

    /// <summary>Class <paramref name="c"/>'s threshold, or null when no calibration row was predicted as <c>c</c> (then unbounded).</summary>
    public ConformalThreshold? ForClass(int c) => _classes[c];

    /// <summary>Number of calibration rows whose edge prediction is class <paramref name="c"/>.</summary>
    public int Count(int c) => _classes[c]?.N ?? 0;

    /// <summary><c>gamma_c</c> in nats; +infinity when class <paramref name="c"/> had too few calibration rows.</summary>
    public double Gamma(int c) => _classes[c]?.Gamma ?? double.PositiveInfinity;

    /// <summary>The threshold for one edge output: <c>gamma_{argmax p_edge}</c> (lowest index on ties).</summary>
    public double GammaFor(EdgeRow edge)
    {
        if (edge.Classes != Classes)
        {
            throw new ArgumentException($"the edge row has {edge.Classes} classes; the Mondrian thresholds were calibrated with {Classes}.", nameof(edge));
        }

        return Gamma(edge.ArgMax());
    }

    /// <summary>One warning per class whose threshold is unbounded (too few calibration rows), empty when none is.</summary>
    public IReadOnlyList<string> Warnings()
    {
        var warnings = new List<string>();
        for (int c = 0; c < Classes; c++)
        {
            if (double.IsPositiveInfinity(Gamma(c)))
            {
                long needed = ConformalCalibrator.MinimumCalibrationSize(Epsilon);
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"class {c}: {Count(c)} calibration rows are predicted as this class and eps = {Epsilon:R} needs at least {needed} finite scores, so its threshold is unbounded: rows the edge predicts as class {c} get the whole simplex."));
            }
        }

        return warnings;
    }
}
