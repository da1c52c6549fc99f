using System.Globalization;
using CredalDistill.IO;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// The near-one-hot rows of issue 8 through <c>credal predict --output all</c>: probability rows and logit rows
/// (<c>--logits</c>) give the exact bounds and intersection probability (KL, gamma = 0.638 nats). Expected values were
/// computed independently by bisection in 60-digit decimal arithmetic (1,100 digits for the logit gap of 1,000).
/// </summary>
public sealed class ExtremeRowTests : IDisposable
{
    private const double Gamma = 0.638;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, bool, double[], double[], double[], double[]> Rows => new()
    {
        {
            "ex1", false, [3.49933014e-10, 1, 1.2240464e-10],
            [0, 9.62902458084281162e-1, 0], [3.64963292974612014e-2, 1, 3.45325820799981964e-2],
            [1.25216731396096228e-2, 9.75630403691236007e-1, 1.18479231691543704e-2]
        },
        {
            "ex2", false, [6.9e-20, 2.1e-17, 1],
            [0, 0, 9.80926124221107905e-1], [1.63526691165608483e-2, 1.90720601859283010e-2, 1],
            [5.72324335488664509e-3, 6.67499849382806039e-3, 9.87601758151285295e-1]
        },
        {
            "ex3", true, [0, -40, -800],
            [9.81773658259538058e-1, 0, 0], [1, 1.82263417404619417e-2, 8.05681107114766609e-4],
            [9.90689764398741868e-1, 8.91610613920381003e-3, 3.94129462054321616e-4]
        },
        {
            "ex4", true, [0, -1000, -1000],
            [9.99356179271230631e-1, 0, 0], [1, 6.43371162928502320e-4, 6.43371162928502320e-4],
            [9.99570886130869226e-1, 2.14556934565387140e-4, 2.14556934565387140e-4]
        },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Predict_all_gives_the_exact_bounds_and_intersection(string name, bool logits, double[] row, double[] lower, double[] upper, double[] intersection)
    {
        string cal = _dir[$"{name}.json"];
        CalibrationArtifact.Cdci(Divergences.Divergence.Parse("kl"), 0.1, 1000, 3, Gamma, ArtifactScoreSummary.FromScores([0.1, Gamma, 2.0])).Save(cal);
        string edge = _dir.WriteMatrix($"{name}.csv", row, 3);
        string output = _dir[$"{name}_out.csv"];
        var args = new List<string> { "predict", "--calibration", cal, "--edge", edge, "--out", output, "--output", "all" };
        if (logits)
        {
            args.Add("--logits");
        }

        var run = CliRun.Invoke([.. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var table = TableFile.Read(output);
        for (int k = 0; k < 3; k++)
        {
            AssertRelative(lower[k], table.Number(0, $"lower_{k}"), $"{name} lower_{k}");
            AssertRelative(upper[k], table.Number(0, $"upper_{k}"), $"{name} upper_{k}");
            AssertRelative(intersection[k], table.Number(0, $"ip_{k}"), $"{name} ip_{k}");
        }

        // Coherence as printed: lower_k + max_{j != k} upper_j <= 1.
        for (int k = 0; k < 3; k++)
        {
            double other = Enumerable.Range(0, 3).Where(j => j != k).Max(j => table.Number(0, $"upper_{j}"));
            Assert.True(table.Number(0, $"lower_{k}") + other <= 1.0, $"{name}: incoherent at class {k}");
            Assert.True(table.Number(0, $"upper_{k}") <= 1.0, $"{name}: upper_{k} above 1");
        }
    }

    private static void AssertRelative(double expected, double actual, string what)
    {
        double tolerance = 1e-9 * Math.Abs(expected);
        Assert.True(Math.Abs(actual - expected) <= tolerance, string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:R}, got {actual:R}"));
    }
}
