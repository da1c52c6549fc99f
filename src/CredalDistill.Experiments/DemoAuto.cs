using System.Globalization;
using CredalDistill.Calibration;
using CredalDistill.Metrics;

namespace CredalDistill.Experiments;

/// <summary>
/// What <c>credal calibrate --method auto</c> (<see cref="AutoCalibrator"/> with its defaults) chooses on a demo split and what
/// it gains: fitted on the unlabeled calibration set (cloud and edge outputs, no labels), evaluated on the test set.
/// </summary>
/// <param name="Chosen">The winner, e.g. <c>distilled-ts</c> or <c>cdci (kl, eps 0.2, maxent)</c>.</param>
/// <param name="Score">The winner's cross-fitted mean KL(cloud || output) on the calibration set (nats).</param>
/// <param name="Candidates">Number of candidates scored.</param>
/// <param name="Eligible">Candidates whose cross-fitted top-1 agreement with the cloud passed the guard.</param>
/// <param name="CalibrationRows">Rows the method was fitted on.</param>
/// <param name="EdgeEce">ECE (15 bins) of the edge as is on the test set (fraction).</param>
/// <param name="Ece">ECE of the chosen method's output on the test set (fraction).</param>
/// <param name="EdgeAccuracy">Accuracy of the edge on the test set (fraction).</param>
/// <param name="Accuracy">Accuracy of the chosen method's output (fraction).</param>
/// <param name="Epsilon">Eps of the credal sets the artifact carries.</param>
/// <param name="Coverage">Test fraction with <c>D(cloud || centre) &lt;= gamma</c> for those sets.</param>
/// <param name="SetSize">Mean interval-dominance label-set size on the test set.</param>
public sealed record DemoAuto(string Chosen, double Score, int Candidates, int Eligible, int CalibrationRows, double EdgeEce, double Ece, double EdgeAccuracy, double Accuracy, double? Epsilon, double? Coverage, double? SetSize)
{
    /// <summary>Fits <c>--method auto</c> on the split's calibration rows and evaluates it on its test rows.</summary>
    public static DemoAuto Run(TaskOutputs outputs, SplitPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(plan);
        var fitted = new AutoCalibrator().Fit(new CalibrationData(outputs.Cloud.Select(plan.Calibration), outputs.Edge.Select(plan.Calibration)), cancellationToken);
        var edge = outputs.Edge.Select(plan.Test);
        var cloud = outputs.Cloud.Select(plan.Test);
        int[] labels = [.. plan.Test.Select(i => outputs.Labels[i])];
        var output = fitted.Calibrate(edge, cancellationToken);
        var choice = fitted.Auto!;
        var winner = choice.Winner;
        string chosen = winner.Method == CdciCalibrator.Method.Name
            ? string.Create(CultureInfo.InvariantCulture, $"cdci ({winner.Divergence}, eps {winner.Epsilon:R}, {winner.Output})")
            : winner.Method;
        double? coverage = null;
        double? size = null;
        if (fitted.Threshold is { } threshold)
        {
            coverage = Metrics.Coverage.Compute(cloud, fitted.Centre(edge), threshold);
            var rows = fitted.Describe(edge, cancellationToken: cancellationToken);
            size = Enumerable.Range(0, edge.Rows).Average(rows.SetSize);
        }

        return new DemoAuto(
            chosen, winner.Score, choice.Candidates.Count, choice.Candidates.Count(choice.IsEligible), plan.Calibration.Length,
            ExpectedCalibrationError.Compute(edge, labels), ExpectedCalibrationError.Compute(output, labels),
            Metrics.Accuracy.Compute(edge, labels), Metrics.Accuracy.Compute(output, labels), fitted.Epsilon, coverage, size);
    }
}
