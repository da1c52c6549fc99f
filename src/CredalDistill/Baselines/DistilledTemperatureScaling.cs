using CredalDistill.Numerics;
using CredalDistill.Validation;

namespace CredalDistill.Baselines;

/// <summary>
/// Distilled temperature scaling: the label-free competitor of CD-CI. On the same unlabeled calibration set, the
/// edge temperature is fitted to the cloud,
/// <c>T* = argmin_T (1/n) sum_i KL(p*_i || softmax(z_i / T))</c>. With <c>u = 1/T</c> the objective is
/// <c>(1/n) sum_i [sum_k c_ik log c_ik - u sum_k c_ik z_ik + logsumexp(u z_i)]</c> (<c>c = p*</c>, <c>0 log 0 = 0</c>):
/// convex in <c>u</c>, derivative <c>(1/n) sum_i (E_{softmax(u z_i)}[z_i] - E_{c_i}[z_i])</c>, second derivative the mean
/// variance <c>Var_{softmax(u z_i)}[z_i] &gt;= 0</c>. It is minimised exactly by safeguarded Newton on
/// <c>u in [0.01, 100]</c> (<c>T in [0.01, 100]</c>; a minimum outside returns the nearer end).
/// </summary>
public sealed class DistilledTemperatureScaling : TemperatureCalibrator
{
    private DistilledTemperatureScaling(double temperature, double meanKl)
    {
        Temperature = temperature;
        MeanKullbackLeibler = meanKl;
    }

    /// <summary>The fitted temperature <c>T* = 1/u*</c>.</summary>
    public override double Temperature { get; }

    /// <summary>The objective at the fit, <c>(1/n) sum_i KL(p*_i || softmax(z_i / T*))</c> in nats.</summary>
    public double MeanKullbackLeibler { get; }

    /// <summary>
    /// Fits <c>T* = argmin_T (1/n) sum_i KL(p*_i || softmax(z_i / T))</c> (see the class remarks). No labels are used.
    /// If every edge row has equal logits the objective does not depend on <c>T</c> and 1 is returned.
    /// </summary>
    /// <param name="cloud">Cloud probabilities <c>p*</c>, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="edgeLogits">Row-major finite edge logits <c>z</c>, <c>n x K</c>.</param>
    /// <param name="classes">Number of classes <c>K</c>; must equal the cloud's.</param>
    public static DistilledTemperatureScaling Fit(ProbabilityMatrix cloud, ReadOnlySpan<double> edgeLogits, int classes)
    {
        var targets = Targets(cloud, edgeLogits, classes, out double entropyTerm);
        double t = TemperatureSolver.Minimise(edgeLogits, classes, targets);
        TemperatureSolver.Evaluate(edgeLogits, classes, targets, 1.0 / t, out double value, out _, out _);
        return new DistilledTemperatureScaling(t, value + entropyTerm);
    }

    /// <summary>
    /// <see cref="Fit(ProbabilityMatrix, ReadOnlySpan{double}, int)"/> with edge probabilities <c>q</c> in place of
    /// logits, using <c>z = log max(q, 1e-12)</c>, so that <c>softmax(z / T)_k = q_k^(1/T) / sum_j q_j^(1/T)</c>.
    /// </summary>
    /// <param name="cloud">Cloud probabilities <c>p*</c>, <c>n x K</c>.</param>
    /// <param name="edge">Edge probabilities <c>q</c>, <c>n x K</c>.</param>
    public static DistilledTemperatureScaling Fit(ProbabilityMatrix cloud, ProbabilityMatrix edge)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(edge);
        Check.SameClasses(cloud.Classes, edge.Classes, nameof(edge));
        Check.SameRows(cloud.Rows, edge.Rows, nameof(edge));
        return Fit(cloud, LogitInput.FromProbabilities(edge), edge.Classes);
    }

    /// <summary>
    /// The objective <c>(1/n) sum_i KL(p*_i || softmax(z_i / T))</c> in nats at a given temperature, computed as
    /// <c>(1/n) sum_i [sum_k c_ik log c_ik - sum_k c_ik z_ik / T + logsumexp(z_i / T)]</c>.
    /// </summary>
    /// <param name="cloud">Cloud probabilities <c>p*</c>, <c>n x K</c>, <c>n &gt;= 1</c>.</param>
    /// <param name="edgeLogits">Row-major finite edge logits, <c>n x K</c>.</param>
    /// <param name="classes">Number of classes <c>K</c>; must equal the cloud's.</param>
    /// <param name="temperature">Finite <c>T &gt; 0</c>.</param>
    public static double MeanKullbackLeiblerAt(ProbabilityMatrix cloud, ReadOnlySpan<double> edgeLogits, int classes, double temperature)
    {
        Check.PositiveFinite(temperature, nameof(temperature));
        var targets = Targets(cloud, edgeLogits, classes, out double entropyTerm);
        TemperatureSolver.Evaluate(edgeLogits, classes, targets, 1.0 / temperature, out double value, out _, out _);
        return value + entropyTerm;
    }

    /// <summary>Validates the pair and returns <c>e_i = sum_k c_ik z_ik</c>; <paramref name="entropyTerm"/> = <c>(1/n) sum_ik c_ik log c_ik</c>.</summary>
    private static double[] Targets(ProbabilityMatrix cloud, ReadOnlySpan<double> edgeLogits, int classes, out double entropyTerm)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        Check.NotEmpty(cloud.Rows, nameof(cloud));
        int rows = LogitInput.Validate(edgeLogits, classes, nameof(edgeLogits));
        Check.SameClasses(cloud.Classes, classes, nameof(edgeLogits));
        Check.SameRows(cloud.Rows, rows, nameof(edgeLogits));
        var targets = new double[rows];
        double negEntropy = 0.0;
        for (int i = 0; i < rows; i++)
        {
            var c = cloud.Row(i);
            var z = edgeLogits.Slice(i * classes, classes);
            double e = 0.0;
            for (int k = 0; k < classes; k++)
            {
                if (c[k] > 0.0)
                {
                    e += c[k] * z[k];
                    negEntropy += c[k] * Math.Log(c[k]);
                }
            }

            targets[i] = e;
        }

        entropyTerm = negEntropy / rows;
        return targets;
    }
}
