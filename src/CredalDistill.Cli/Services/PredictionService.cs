using System.Globalization;
using System.Text;
using CredalDistill.Credal;

namespace CredalDistill.Cli.Services;

/// <summary>
/// Run-time CD-CI as used by <c>credal predict</c>: computes the requested outputs row by row (in parallel chunks with
/// progress), with exactly the per-row functions of <see cref="CredalPredictor"/> (so the results equal its batch
/// methods, Monte Carlo streams included).
/// </summary>
public static class PredictionService
{
    /// <summary>Label-set flags live on the stack up to this many classes and on the heap above.</summary>
    internal const int MaxStackClasses = 1024;

    /// <summary>Computes the table for <paramref name="output"/>.</summary>
    /// <param name="predictor">The calibrated predictor.</param>
    /// <param name="edge">Edge outputs.</param>
    /// <param name="output">What to compute.</param>
    /// <param name="rule">Label-set rule for <c>labels</c> and <c>all</c>.</param>
    /// <param name="progress">Receives the completed fraction.</param>
    /// <param name="cancellationToken">Interrupts the computation.</param>
    public static PredictionTable Compute(CredalPredictor predictor, ProbabilityMatrix edge, PredictOutput output, LabelSetRule rule, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(edge);
        int n = edge.Rows;
        int k = edge.Classes;
        switch (output)
        {
            case PredictOutput.Intersection:
            case PredictOutput.MaximumEntropy:
            case PredictOutput.Centroid:
            {
                var kind = output switch
                {
                    PredictOutput.MaximumEntropy => CredalOutput.MaximumEntropy,
                    PredictOutput.Centroid => CredalOutput.Centroid,
                    _ => CredalOutput.Intersection,
                };
                var values = new double[n * k];
                RowBatches.For(n, progress, i => predictor.Predict(edge.AsEdgeRow(i), kind, values.AsSpan(i * k, k), i), cancellationToken);
                return new PredictionTable(n, Names("p", k), values, null);
            }

            case PredictOutput.Bounds:
            {
                var values = new double[n * 2 * k];
                RowBatches.For(n, progress, i =>
                {
                    var row = values.AsSpan(i * 2 * k, 2 * k);
                    predictor.Bounds(edge.AsEdgeRow(i), row[..k], row[k..]);
                }, cancellationToken);
                return new PredictionTable(n, [.. Names("lower", k), .. Names("upper", k)], values, null);
            }

            case PredictOutput.Labels:
            {
                var sets = new string[n];
                RowBatches.For(n, progress, i =>
                {
                    Span<bool> members = k <= MaxStackClasses ? stackalloc bool[k] : new bool[k];
                    predictor.LabelSet(edge.AsEdgeRow(i), rule, members);
                    sets[i] = Join(members);
                }, cancellationToken);
                return new PredictionTable(n, [], [], sets);
            }

            case PredictOutput.All:
            {
                int width = 4 * k;
                var values = new double[n * width];
                var sets = new string[n];
                RowBatches.For(n, progress, i =>
                {
                    var row = values.AsSpan(i * width, width);
                    var p = edge.AsEdgeRow(i);
                    predictor.BoundsAndIntersection(p, row[..k], row[k..(2 * k)], row[(2 * k)..(3 * k)]);
                    predictor.Predict(p, CredalOutput.MaximumEntropy, row[(3 * k)..], i);
                    Span<bool> members = k <= MaxStackClasses ? stackalloc bool[k] : new bool[k];
                    if (rule == LabelSetRule.Maximality)
                    {
                        predictor.LabelSet(p, rule, members);
                    }
                    else
                    {
                        LabelSets.IntervalDominance(row[..k], row[k..(2 * k)], members);
                    }

                    sets[i] = Join(members);
                }, cancellationToken);
                return new PredictionTable(n, [.. Names("lower", k), .. Names("upper", k), .. Names("ip", k), .. Names("maxent", k)], values, sets);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(output), output, "Unknown output.");
        }
    }

    /// <summary>The member labels joined by <c>|</c>, e.g. <c>0|2</c>.</summary>
    public static string Join(ReadOnlySpan<bool> members)
    {
        var sb = new StringBuilder();
        for (int k = 0; k < members.Length; k++)
        {
            if (members[k])
            {
                if (sb.Length > 0)
                {
                    sb.Append('|');
                }

                sb.Append(k.ToString(CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary><c>prefix_0 .. prefix_{K-1}</c>.</summary>
    public static string[] Names(string prefix, int classes)
        => [.. Enumerable.Range(0, classes).Select(k => prefix + "_" + k.ToString(CultureInfo.InvariantCulture))];
}
