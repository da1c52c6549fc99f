using System.Globalization;
using CredalDistill.Divergences;

namespace CredalDistill.Conformal;

/// <summary>
/// Mondrian CD-CI thresholds by the edge's predicted class (METHOD.md section 3.4): calibration rows are grouped by
/// <c>c = argmax p_edge</c> (lowest index on ties) and each group gets the split-conformal threshold
/// <c>gamma_c = s_(k_c)</c>, <c>k_c = ceil((n_c + 1)(1 - eps))</c>, of its own <c>n_c</c> scores (+infinity when
/// <c>k_c &gt; n_c</c>; the PAC rank when <see cref="Delta"/> is set). A row uses <c>gamma_{argmax p_edge}</c>; coverage
/// <c>&gt;= 1 - eps</c> then holds within each predicted class. Built by <see cref="MondrianThreshold"/>.
/// </summary>
public sealed partial class MondrianThreshold : RowThreshold
{
    private readonly double[] _gammas;
    private readonly int[] _counts;

    internal MondrianThreshold(double[] gammas, int[] counts, double epsilon, FDivergence divergence, double? delta)
    {
        _gammas = gammas;
        _counts = counts;
        Epsilon = epsilon;
        Divergence = divergence;
        Delta = delta;
        N = counts.Sum();
    }

    /// <inheritdoc />
    public override string Rule => "mondrian";

    /// <summary>Target miscoverage <c>eps</c> within each predicted class.</summary>
    public override double Epsilon { get; }

    /// <summary>The score divergence.</summary>
    public override FDivergence Divergence { get; }

    /// <summary>Null for the marginal rule per class; otherwise the PAC failure probability of each class's threshold.</summary>
    public double? Delta { get; }

    /// <summary>Total calibration size (all classes).</summary>
    public override int N { get; }

    /// <summary>Number of classes <c>K</c>.</summary>
    public override int Classes => _gammas.Length;

    /// <summary>Number of calibration rows whose edge prediction is class <paramref name="c"/>.</summary>
    public int Count(int c) => _counts[c];

    /// <summary><c>gamma_c</c> in nats; +infinity when class <paramref name="c"/> had too few calibration rows.</summary>
    public double Gamma(int c) => _gammas[c];

    /// <summary>The threshold for one edge output: <c>gamma_{argmax p_edge}</c> (lowest index on ties).</summary>
    public override double GammaFor(EdgeRow edge)
    {
        CheckRow(edge);
        return _gammas[edge.ArgMax()];
    }

    /// <summary>One warning per class whose threshold is unbounded (too few calibration rows), empty when none is.</summary>
    public override IReadOnlyList<string> Warnings()
    {
        var warnings = new List<string>();
        for (int c = 0; c < Classes; c++)
        {
            if (double.IsPositiveInfinity(Gamma(c)))
            {
                string needed = Delta is null
                    ? string.Create(CultureInfo.InvariantCulture, $"eps = {Epsilon:R} needs at least {SplitConformal.MinimumCalibrationSize(Epsilon)} finite scores")
                    : string.Create(CultureInfo.InvariantCulture, $"eps = {Epsilon:R} with delta = {Delta:R} needs more finite scores");
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"class {c}: {Count(c)} calibration rows are predicted as this class and {needed}, so its threshold is unbounded: rows the edge predicts as class {c} get the whole simplex."));
            }
        }

        return warnings;
    }

    /// <summary>A Mondrian threshold from stored per-class values (an artifact); validates shapes and values.</summary>
    internal static MondrianThreshold Restore(double[] gammas, int[] counts, double epsilon, FDivergence divergence, double? delta)
    {
        if (gammas.Length != counts.Length)
        {
            throw new ArgumentException($"{gammas.Length} thresholds but {counts.Length} class counts.", nameof(counts));
        }

        for (int c = 0; c < gammas.Length; c++)
        {
            if (!(gammas[c] >= 0.0) || counts[c] < 0 || (counts[c] == 0 && !double.IsPositiveInfinity(gammas[c])))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"class {c}: threshold {gammas[c]:R} with {counts[c]} rows is not valid (thresholds are >= 0 or unbounded, counts >= 0, and a class without rows is unbounded)."), nameof(gammas));
            }
        }

        return new MondrianThreshold(gammas, counts, epsilon, divergence, delta);
    }
}
