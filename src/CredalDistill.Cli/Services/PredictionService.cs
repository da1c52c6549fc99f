using System.Globalization;
using System.Text;
using CredalDistill.Calibration;
using CredalDistill.Credal;

namespace CredalDistill.Cli.Services;

/// <summary>
/// Run time as used by <c>credal predict</c>: the requested outputs of a fitted calibrator, each a batch call of the core
/// (<see cref="FittedCalibrator"/>, <see cref="CredalPredictor"/>) with cancellation and progress; credal outputs are computed
/// around the calibrator's tempered edge (the edge itself for CD-CI).
/// </summary>
public static class PredictionService
{
    /// <summary>Computes the table for <paramref name="output"/>.</summary>
    /// <param name="calibrator">The fitted calibrator.</param>
    /// <param name="edge">Edge outputs.</param>
    /// <param name="output">What to compute; anything but <see cref="PredictOutput.Tempered"/> needs a set-valued calibrator.</param>
    /// <param name="rule">Label-set rule for <c>labels</c> and <c>all</c>.</param>
    /// <param name="progress">Receives the completed fraction.</param>
    /// <param name="cancellationToken">Interrupts the computation.</param>
    /// <exception cref="InvalidOperationException">A credal output was asked of a point calibration.</exception>
    public static PredictionTable Compute(FittedCalibrator calibrator, ProbabilityMatrix edge, PredictOutput output, LabelSetRule rule, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calibrator);
        ArgumentNullException.ThrowIfNull(edge);
        int n = edge.Rows;
        int k = edge.Classes;
        var centre = calibrator.Temper(edge);
        if (output == PredictOutput.Tempered)
        {
            progress?.Report(1.0);
            return new PredictionTable(n, Names("p", k), centre.ToArray(), null);
        }

        var predictor = calibrator.Predictor ?? throw new InvalidOperationException($"{calibrator.Name} is a point calibration; it has no credal sets.");
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
                return new PredictionTable(n, Names("p", k), predictor.Predict(centre, kind, cancellationToken, progress).ToArray(), null);
            }

            case PredictOutput.Bounds:
            {
                var bounds = predictor.Bounds(centre, cancellationToken, progress);
                var values = new double[n * 2 * k];
                for (int i = 0; i < n; i++)
                {
                    bounds.LowerRow(i).CopyTo(values.AsSpan(i * 2 * k, k));
                    bounds.UpperRow(i).CopyTo(values.AsSpan((i * 2 * k) + k, k));
                }

                return new PredictionTable(n, [.. Names("lower", k), .. Names("upper", k)], values, null);
            }

            case PredictOutput.Labels:
            {
                var flags = predictor.LabelSets(centre, rule, cancellationToken, progress);
                return new PredictionTable(n, [], [], [.. Enumerable.Range(0, n).Select(i => Join(flags.AsSpan(i * k, k)))]);
            }

            case PredictOutput.All:
            {
                var parts = ProgressSlice.Split(progress, 2);
                var sets = predictor.Describe(centre, rule, cancellationToken, parts[0]);
                var maxent = predictor.Predict(centre, CredalOutput.MaximumEntropy, cancellationToken, parts[1]);
                int width = 4 * k;
                var values = new double[n * width];
                for (int i = 0; i < n; i++)
                {
                    var row = values.AsSpan(i * width, width);
                    sets.Bounds.LowerRow(i).CopyTo(row[..k]);
                    sets.Bounds.UpperRow(i).CopyTo(row[k..(2 * k)]);
                    sets.Intersection.Row(i).CopyTo(row[(2 * k)..(3 * k)]);
                    maxent.Row(i).CopyTo(row[(3 * k)..]);
                }

                return new PredictionTable(n, [.. Names("lower", k), .. Names("upper", k), .. Names("ip", k), .. Names("maxent", k)], values, [.. Enumerable.Range(0, n).Select(i => Join(sets.LabelSets.AsSpan(i * k, k)))]);
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
