using System.Globalization;
using CredalDistill.IO;
using CredalDistill.Validation;

namespace CredalDistill.Conformal;

/// <summary>
/// One split-conformal threshold per value of a group column (device model, region, ...): each group's
/// <c>gamma_g = s_(k_g)</c>, <c>k_g = ceil((n_g + 1)(1 - eps))</c>, over its own <c>n_g</c> calibration scores
/// (+infinity when <c>k_g &gt; n_g</c>). A row uses its group's threshold; coverage <c>&gt;= 1 - eps</c> then holds
/// within each group (the Mondrian argument of METHOD.md 3.4 with the group as the category). A group that had no
/// calibration rows has no threshold: it is unbounded (the conformal rule with <c>n = 0</c>). Built by the engines
/// (<c>credal calibrate --query ... --group-by COLUMN</c>); stored as the artifact's <c>groups</c> object.
/// </summary>
public sealed class GroupThresholds
{
    private readonly SortedDictionary<string, GroupThreshold> _groups;

    /// <summary>Creates the thresholds from (group value, threshold) pairs; at least one, no duplicate values.</summary>
    /// <exception cref="ArgumentException">No group, or a duplicate group value.</exception>
    public GroupThresholds(IEnumerable<KeyValuePair<string, GroupThreshold>> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _groups = new SortedDictionary<string, GroupThreshold>(StringComparer.Ordinal);
        foreach (var (key, value) in groups)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(groups));
            ArgumentNullException.ThrowIfNull(value, nameof(groups));
            if (!_groups.TryAdd(key, value))
            {
                throw new ArgumentException($"the group '{key}' is given twice.", nameof(groups));
            }
        }

        if (_groups.Count == 0)
        {
            throw new ArgumentException("at least one group is needed.", nameof(groups));
        }
    }

    /// <summary>The groups in ordinal order of their values.</summary>
    public IReadOnlyDictionary<string, GroupThreshold> Groups => _groups;

    /// <summary>The total number of calibration rows (all groups).</summary>
    public long TotalRows => _groups.Values.Sum(g => (long)g.N);

    /// <summary>The threshold of <paramref name="group"/> in nats: +infinity when unbounded or when the group had no calibration rows.</summary>
    public double GammaFor(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return _groups.TryGetValue(group, out var g) ? g.Gamma : double.PositiveInfinity;
    }

    /// <summary>One warning per unbounded group, empty when none is.</summary>
    /// <param name="epsilon">The artifact's miscoverage, for the message.</param>
    public IReadOnlyList<string> Warnings(double epsilon)
        => [.. _groups.Where(g => g.Value.IsUnbounded).Select(g => string.Create(CultureInfo.InvariantCulture, $"group '{g.Key}': {g.Value.N} calibration rows; eps = {epsilon:R} needs more finite scores, so its threshold is unbounded: rows of this group get the whole simplex."))];
}

/// <summary>The threshold of one group: its calibration rows <see cref="N"/>, <see cref="Gamma"/> and its score summary.</summary>
public sealed class GroupThreshold
{
    /// <summary>Creates a group's threshold, validating the values.</summary>
    /// <param name="n">Calibration rows of the group, at least 1.</param>
    /// <param name="gamma">The threshold in nats, <c>&gt;= 0</c>, or +infinity (unbounded).</param>
    /// <param name="scores">Summary of the group's scores; a finite <paramref name="gamma"/> lies between its min and max.</param>
    public GroupThreshold(int n, double gamma, ArtifactScoreSummary scores)
    {
        Check.Positive(n, nameof(n));
        Check.Gamma(gamma, nameof(gamma));
        ArgumentNullException.ThrowIfNull(scores);
        if (double.IsFinite(gamma) && !(gamma >= scores.Min && gamma <= scores.Max))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the threshold {gamma:R} is not between the smallest and largest score ({scores.Min:R}, {scores.Max:R})."), nameof(gamma));
        }

        N = n;
        Gamma = gamma;
        Scores = scores;
    }

    /// <summary>Calibration rows of the group.</summary>
    public int N { get; }

    /// <summary>The threshold in nats; +infinity when unbounded.</summary>
    public double Gamma { get; }

    /// <summary>True when the threshold is +infinity.</summary>
    public bool IsUnbounded => double.IsPositiveInfinity(Gamma);

    /// <summary>Summary of the group's calibration scores.</summary>
    public ArtifactScoreSummary Scores { get; }
}
