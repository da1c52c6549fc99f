using System.Globalization;
using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.IO;

namespace CredalDistill.Engines;

/// <summary>
/// The answer of a calibration query: the threshold over all rows and, for a grouped query, one per group; turned into
/// an ordinary CD-CI artifact (<see cref="ToArtifact"/>) whose <c>groups</c> object holds the per-group thresholds.
/// </summary>
public sealed class EngineCalibration
{
    private EngineCalibration(string divergence, double epsilon, int classes, ThresholdRow all, IReadOnlyList<ThresholdRow> groups)
    {
        Divergence = divergence;
        Epsilon = epsilon;
        Classes = classes;
        All = all;
        Groups = groups;
    }

    /// <summary>The divergence's name.</summary>
    public string Divergence { get; }

    /// <summary>The miscoverage.</summary>
    public double Epsilon { get; }

    /// <summary>The number of classes.</summary>
    public int Classes { get; }

    /// <summary>The threshold over every row.</summary>
    public ThresholdRow All { get; }

    /// <summary>The per-group thresholds (empty for an ungrouped query), in ordinal order of the group values.</summary>
    public IReadOnlyList<ThresholdRow> Groups { get; }

    /// <summary>Rows that break the row rule, over all groups.</summary>
    public long BadRows => All.BadRows;

    /// <summary>
    /// Builds the result from the rows of <see cref="ThresholdQuery"/> and checks them: every row was valid, there is at least
    /// one, the rank is the exact <c>ceil((n + 1)(1 - eps))</c> and the counts fit the artifact (below 2^31).
    /// </summary>
    /// <param name="rows">The query's rows.</param>
    /// <param name="grouped">The query had a group column.</param>
    /// <param name="divergence">The divergence's name.</param>
    /// <param name="epsilon">The miscoverage.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="rowRule">What a valid row is, for the message about bad rows.</param>
    /// <exception cref="DataFormatException">Bad rows, no rows, or more rows than an artifact holds.</exception>
    public static EngineCalibration FromRows(IReadOnlyList<ThresholdRow> rows, bool grouped, string divergence, double epsilon, int classes, string rowRule)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var groups = rows.Where(r => !r.Pooled).OrderBy(r => r.Group, StringComparer.Ordinal).ToList();
        ThresholdRow all;
        if (grouped)
        {
            all = rows.SingleOrDefault(r => r.Pooled) ?? new ThresholdRow(null, true, 0, 0, null, double.PositiveInfinity, 0, 0, 0, 0, 0, 0);
        }
        else
        {
            all = groups.SingleOrDefault() ?? new ThresholdRow(null, true, 0, 0, null, double.PositiveInfinity, 0, 0, 0, 0, 0, 0);
            groups = [];
        }

        long bad = grouped ? groups.Sum(g => g.BadRows) : all.BadRows;
        if (bad > 0)
        {
            string perGroup = grouped ? " (" + string.Join(", ", groups.Where(g => g.BadRows > 0).Take(5).Select(g => string.Create(CultureInfo.InvariantCulture, $"'{g.Group}': {g.BadRows}"))) + ")" : string.Empty;
            throw new DataFormatException("the query", string.Create(CultureInfo.InvariantCulture, $"{bad} rows are not valid pairs{perGroup}; every row needs {rowRule}{(grouped ? " and a non-null group value" : string.Empty)}"));
        }

        if (all.N == 0)
        {
            throw new DataFormatException("the query", "no rows: the query returned no (cloud, edge) pairs to calibrate on");
        }

        if (all.N > int.MaxValue)
        {
            throw new DataFormatException("the query", string.Create(CultureInfo.InvariantCulture, $"{all.N} rows; a calibration artifact holds at most {int.MaxValue} (n is a 32-bit count): filter the query (e.g. fewer days)"));
        }

        var rank = ExactRank.For(epsilon);
        foreach (var r in groups.Append(all))
        {
            if (r.N > 0 && r.Rank != rank.Rank(r.N))
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the engine's rank k = {r.Rank} for n = {r.N} is not ceil((n + 1)(1 - eps)) = {rank.Rank(r.N)}"));
            }
        }

        return new EngineCalibration(divergence, epsilon, classes, all, groups);
    }

    /// <summary>The CD-CI artifact: the threshold over all rows at the top level and, for a grouped query, the <c>groups</c> object.</summary>
    /// <param name="output">The point output predict writes by default (<c>calibrate --select-for</c>).</param>
    public CalibrationArtifact ToArtifact(CalibratedOutput output = CalibratedOutput.Intersection)
    {
        var groups = Groups.Count == 0 ? null
            : new GroupThresholds(Groups.Select(g => new KeyValuePair<string, GroupThreshold>(g.Group!, new GroupThreshold((int)g.N, g.Gamma, g.Summary()))));
        var selection = ThresholdSelection.FixedChoice(Divergence, Epsilon, CalibratedOutputNames.Name(output));
        var artifact = CalibrationArtifact.Cdci(CredalDistill.Divergences.Divergence.Parse(Divergence), Epsilon, (int)All.N, Classes, All.Gamma, All.Summary(), groups: groups);
        return (artifact with { Output = output, Selection = selection }).Validated();
    }

    /// <summary>One warning per unbounded threshold (all rows, or a group), empty when none is.</summary>
    public IReadOnlyList<string> Warnings()
    {
        var warnings = new List<string>();
        if (double.IsPositiveInfinity(All.Gamma))
        {
            warnings.Add(All.Rank > All.N
                ? string.Create(CultureInfo.InvariantCulture, $"eps = {Epsilon:R} needs more rows: with n = {All.N} the rank k = {All.Rank} exceeds n, so the threshold over all rows is unbounded (every credal set is the whole simplex).")
                : string.Create(CultureInfo.InvariantCulture, $"{All.Infinite} of the n = {All.N} scores are +infinity and the rank k = {All.Rank} falls among them, so the threshold over all rows is unbounded."));
        }

        warnings.AddRange(Groups.Where(g => double.IsPositiveInfinity(g.Gamma)).Select(g => string.Create(CultureInfo.InvariantCulture, $"group '{g.Group}': n = {g.N}, rank k = {g.Rank}{(g.Rank > g.N ? " exceeds n" : " falls among its +infinity scores")}, so its threshold is unbounded: rows of this group get the whole simplex.")));
        return warnings;
    }
}
