using CredalDistill.Metrics;
using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Calibration;

/// <summary>
/// The three temperature fits on exact log-probabilities <c>l</c> (no floor: a probability of 5e-26 has
/// <c>l = -58.3</c>, not <c>log 1e-12</c>; an exact 0 has <c>l = -inf</c> and keeps probability 0 at every temperature):
/// <list type="bullet">
/// <item>NLL with labels (Guo et al. 2017): <c>T* = argmin_T (1/n) sum_i [logsumexp(l_i / T) - l_{i,y_i} / T]</c>;</item>
/// <item>the paper's ECE grid with labels: <c>T* = argmin_{T in {0.1, ..., 4.0}} ECE_15(softmax(l / T), y)</c>, ties to the smallest;</item>
/// <item>distilled from the cloud, no labels: <c>T* = argmin_T (1/n) sum_i KL(c_i || softmax(l_i / T))</c>.</item>
/// </list>
/// The NLL and distilled objectives are convex in <c>u = 1/T</c> and minimised exactly by <see cref="TemperatureSolver"/> on
/// <c>T in [0.01, 100]</c>. A row whose objective is +inf at every temperature (a true label, or a class where the cloud has
/// mass, with edge probability exactly 0) is refused with its row number, since no temperature is then a minimiser.
/// </summary>
internal static class TemperatureFits
{
    /// <summary>Number of temperatures in the paper's grid, 40: <c>T_i = i / 10</c>, <c>i = 1..40</c>.</summary>
    public const int GridSize = 40;

    /// <summary>The log-probability rows of <paramref name="edge"/> (kept log-softmax of logits, or exact <c>log p</c>), row-major.</summary>
    public static double[] LogProbabilities(ProbabilityMatrix edge)
    {
        int k = edge.Classes;
        var l = new double[edge.Rows * k];
        for (int i = 0; i < edge.Rows; i++)
        {
            edge.AsEdgeRow(i).LogProbabilities(l.AsSpan(i * k, k));
        }

        return l;
    }

    /// <summary>The NLL-optimal temperature and the mean NLL there.</summary>
    public static (double Temperature, double Objective) Nll(double[] l, int classes, ReadOnlySpan<int> labels)
    {
        int rows = l.Length / classes;
        Check.SameRows(rows, labels.Length, nameof(labels));
        Check.Labels(labels, classes, nameof(labels));
        var targets = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            targets[i] = l[(i * classes) + labels[i]];
            if (double.IsNegativeInfinity(targets[i]))
            {
                throw new ArgumentException($"edge row {i}: the true label {labels[i]} has probability exactly 0, so the NLL is +inf at every temperature; give the edge as logits.", "data");
            }
        }

        double t = TemperatureSolver.Minimise(l, classes, targets);
        TemperatureSolver.Evaluate(l, classes, targets, 1.0 / t, out double nll, out _, out _);
        return (t, nll);
    }

    /// <summary>The paper's ECE-grid temperature and the ECE (fraction) there.</summary>
    public static (double Temperature, double Objective) Ece(double[] l, int classes, ReadOnlySpan<int> labels)
    {
        int rows = l.Length / classes;
        Check.SameRows(rows, labels.Length, nameof(labels));
        Check.Labels(labels, classes, nameof(labels));
        var log = new double[l.Length];
        double bestT = double.NaN;
        double bestEce = double.PositiveInfinity;
        for (int index = 1; index <= GridSize; index++)
        {
            double t = index / 10.0;
            var map = CalibrationMap.FromTemperature(t, classes);
            for (int i = 0; i < rows; i++)
            {
                map.ApplyCore(EdgeRow.Trusted(l.AsSpan(i * classes, classes), true), log.AsSpan(i * classes, classes), i);
            }

            double ece = ExpectedCalibrationError.Compute(ProbabilityMatrix.WrapLogProbabilities((double[])log.Clone(), classes), labels);
            if (ece < bestEce)
            {
                bestEce = ece;
                bestT = t;
            }
        }

        return (bestT, bestEce);
    }

    /// <summary>The distilled temperature and the mean <c>KL(c || softmax(l / T))</c> (nats) there.</summary>
    public static (double Temperature, double Objective) Distilled(ProbabilityMatrix cloud, double[] l, int classes)
    {
        var targets = Targets(cloud, l, classes, out double negativeEntropy);
        double t = TemperatureSolver.Minimise(l, classes, targets);
        TemperatureSolver.Evaluate(l, classes, targets, 1.0 / t, out double value, out _, out _);
        return (t, value + negativeEntropy);
    }

    /// <summary>The distilled objective <c>(1/n) sum_i KL(c_i || softmax(l_i / T))</c> at a given temperature (nats).</summary>
    public static double MeanKullbackLeiblerAt(ProbabilityMatrix cloud, double[] l, int classes, double temperature)
    {
        Check.PositiveFinite(temperature, nameof(temperature));
        var targets = Targets(cloud, l, classes, out double negativeEntropy);
        TemperatureSolver.Evaluate(l, classes, targets, 1.0 / temperature, out double value, out _, out _);
        return value + negativeEntropy;
    }

    /// <summary>
    /// <c>e_i = sum_k c_ik l_ik</c> over the classes the cloud gives mass (<c>0 log 0 = 0</c>) and
    /// <paramref name="negativeEntropy"/> = <c>(1/n) sum_ik c_ik log c_ik</c>; refuses cloud mass on an edge zero.
    /// </summary>
    private static double[] Targets(ProbabilityMatrix cloud, double[] l, int classes, out double negativeEntropy)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        int rows = l.Length / classes;
        Check.SameClasses(cloud.Classes, classes, "edge");
        Check.SameRows(cloud.Rows, rows, "edge");
        Check.NotEmpty(rows, nameof(cloud));
        using var lease = new ScratchLease();
        Span<double> logCloud = classes <= ScratchLease.StackDoubles ? stackalloc double[classes] : lease.Rent(classes);
        var targets = new double[rows];
        double sum = 0.0;
        for (int i = 0; i < rows; i++)
        {
            var c = cloud.Row(i);
            cloud.AsEdgeRow(i).LogProbabilities(logCloud);
            var z = l.AsSpan(i * classes, classes);
            double e = 0.0;
            for (int k = 0; k < classes; k++)
            {
                if (c[k] > 0.0)
                {
                    if (double.IsNegativeInfinity(z[k]))
                    {
                        throw new ArgumentException($"row {i}, class {k}: the cloud gives probability {Check.Format(c[k])} where the edge probability is exactly 0, so KL(cloud || tempered edge) is +inf at every temperature; give the edge as logits.", "data");
                    }

                    e += c[k] * z[k];
                    sum += c[k] * logCloud[k];
                }
            }

            targets[i] = e;
        }

        negativeEntropy = sum / rows;
        return targets;
    }
}
