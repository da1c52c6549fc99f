using CredalDistill.Calibration;
using CredalDistill.Divergences;
using CredalDistill.Onnx.Export;
using Xunit.Abstractions;

namespace CredalDistill.Onnx.Tests.Export;

/// <summary>
/// The exported graph, run by ONNX Runtime (.NET), against the library in double precision (its logits path,
/// <c>EdgeRow.FromLogits</c>) and against an independent log-domain reference (<see cref="ReferenceCredal.LogDomain"/>)
/// on random logits and the extremes of METHOD.md 3.1a (top-class gaps of 40, 100 and 1000, two tied top classes):
/// at most 2e-4 absolute on probabilities and bounds against both, <c>0 &lt;= lower &lt;= probabilities &lt;= upper
/// &lt;= 1</c>, equal label sets except at ties within 2e-4. Prints the largest error per case.
/// </summary>
public sealed class ExportAccuracyTests(ITestOutputHelper output)
{
    private const double Tolerance = 2e-4;

    public static TheoryData<string, double> Cases()
    {
        var data = new TheoryData<string, double>();
        foreach (string d in new[] { "kl", "reverse-kl", "alpha:0.9", "alpha:1.2", "alpha:-0.5", "tv", "hellinger", "chi2" })
        {
            foreach (double gamma in new[] { 0.0, 0.01, 0.64, 3.0, double.PositiveInfinity })
            {
                data.Add(d, gamma);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Intersection_and_bounds_match_the_library(string divergence, double gamma)
    {
        foreach (int k in new[] { 3, 10 })
        {
            Check(divergence, gamma, k, maxEntropy: false);
        }
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.64)]
    [InlineData(3.0)]
    [InlineData(double.PositiveInfinity)]
    public void Kl_maximum_entropy_matches_the_library(double gamma)
    {
        foreach (int k in new[] { 3, 10 })
        {
            Check("kl", gamma, k, maxEntropy: true);
        }
    }

    /// <summary>Random rows (scales 0.5 to 8) and extreme rows: gaps 40, 100, 1000 below one or two top classes, all equal.</summary>
    public static List<(double[] Logits, bool Extreme)> Rows(int k, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<(double[], bool)>();
        foreach (double scale in new[] { 0.5, 2.0, 8.0 })
        {
            for (int i = 0; i < 20; i++)
            {
                rows.Add((Enumerable.Range(0, k).Select(_ => (double)(float)(scale * ((rng.NextDouble() * 2) - 1) * 3)).ToArray(), false));
            }
        }

        foreach (double gap in new[] { 40.0, 100.0, 1000.0 })
        {
            for (int i = 0; i < 4; i++)
            {
                var z = Enumerable.Range(0, k).Select(_ => (double)(float)(-gap - (i * rng.NextDouble()))).ToArray();
                z[rng.Next(k)] = 0.0;
                if (i == 3)
                {
                    z[(Array.IndexOf(z, 0.0) + 1) % k] = 0.0; // two tied top classes
                }

                rows.Add((z, true));
            }
        }

        rows.Add((new double[k], false));
        return rows;
    }

    private void Check(string divergenceName, double gamma, int k, bool maxEntropy)
    {
        FDivergence divergence = Divergence.Parse(divergenceName);
        var rows = Rows(k, seed: 17 + k);
        var input = rows.SelectMany(r => r.Logits.Select(v => (float)v)).ToArray();
        var options = new CalibratedExportOptions { Output = maxEntropy ? CalibratedOutput.MaximumEntropy : CalibratedOutput.Intersection };
        using var model = new ExportedModel(LinearLogitsModel.Identity(k), ExportedModel.Artifact(divergenceName, gamma, k), options);
        var o = model.Run("x", input, [rows.Count, k]);
        double maxError = 0;
        string worst = string.Empty;
        for (int r = 0; r < rows.Count; r++)
        {
            var lib = ReferenceCredal.Library(divergence, gamma, rows[r].Logits, maxEntropy);
            var exact = ReferenceCredal.LogDomain(divergence, gamma, rows[r].Logits, maxEntropy);
            string where = $"{divergenceName} gamma={gamma} K={k} row {r} [{string.Join(", ", rows[r].Logits)}]";
            foreach (var (expected, what) in new[] { (lib, "library"), (exact, "log-domain reference") })
            {
                for (int j = 0; j < k; j++)
                {
                    int at = (r * k) + j;
                    double lower = o["lower"][at], upper = o["upper"][at], q = o["probabilities"][at];
                    double error = Math.Max(Math.Abs(q - expected.Probabilities[j]), Math.Max(Math.Abs(lower - expected.Lower[j]), Math.Abs(upper - expected.Upper[j])));
                    if (error > maxError)
                    {
                        maxError = error;
                        worst = $"row {r} class {j} vs {what}: [{lower}, {q}, {upper}] vs [{expected.Lower[j]}, {expected.Probabilities[j]}, {expected.Upper[j]}]";
                    }

                    Assert.True(Math.Abs(lower - expected.Lower[j]) <= Tolerance, $"{where} vs {what}: lower[{j}] {lower} vs {expected.Lower[j]}");
                    Assert.True(Math.Abs(upper - expected.Upper[j]) <= Tolerance, $"{where} vs {what}: upper[{j}] {upper} vs {expected.Upper[j]}");
                    Assert.True(Math.Abs(q - expected.Probabilities[j]) <= Tolerance, $"{where} vs {what}: probabilities[{j}] {q} vs {expected.Probabilities[j]}");
                    Assert.True(lower <= q && q <= upper, $"{where}: probabilities[{j}] {q} outside [{lower}, {upper}]");
                    Assert.True(lower >= 0 && upper <= 1, $"{where}: bounds [{lower}, {upper}] outside [0, 1]");
                    if (Math.Abs(expected.Upper[j] - expected.Lower.Max()) > Tolerance)
                    {
                        Assert.True(o["label_set"][at] == (expected.LabelSet[j] ? 1.0 : 0.0), $"{where} vs {what}: label_set[{j}]");
                    }
                }
            }
        }

        output.WriteLine($"{divergenceName} gamma={gamma} K={k}: {rows.Count} rows, {model.Summary.NodesAdded} nodes, max abs error {maxError:G3} ({worst})");
    }
}
