using CredalDistill.Calibration;
using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.IO;
using CredalDistill.Onnx.Export;
using Xunit.Abstractions;

namespace CredalDistill.Onnx.Tests.Export;

/// <summary>
/// Mondrian thresholds exported: each row's radius is gathered in the graph by the arg-max of its logits, and the
/// outputs match the library with that row's own gamma (random and extreme rows, ties to the lowest index), including a
/// class without calibration rows (unbounded: bounds [0, 1], uniform max-entropy) and a class with gamma = 0.
/// </summary>
public sealed class MondrianExportTests(ITestOutputHelper output)
{
    private const double Tolerance = 2e-4;

    /// <summary>Per-class thresholds for K = 5: small, medium, unbounded (no rows), large, zero.</summary>
    private static readonly double[] Gammas = [0.01, 0.64, double.PositiveInfinity, 3.0, 0.0];

    /// <summary>An artifact whose Mondrian thresholds are exactly <see cref="Gammas"/>: 20 equal scores per bounded class.</summary>
    internal static CalibrationArtifact Artifact(string divergence)
    {
        var scores = new List<double>();
        var classes = new List<int>();
        for (int c = 0; c < Gammas.Length; c++)
        {
            for (int i = 0; double.IsFinite(Gammas[c]) && i < 20; i++)
            {
                scores.Add(Gammas[c]);
                classes.Add(c);
            }
        }

        var d = Divergence.Parse(divergence);
        var mondrian = MondrianThreshold.Calibrate(scores.ToArray(), classes.ToArray(), Gammas.Length, 0.1, d);
        Assert.Equal(Gammas, Enumerable.Range(0, Gammas.Length).Select(mondrian.Gamma));
        var marginal = SplitConformal.Calibrate(scores.ToArray(), Gammas.Length, 0.1, d);
        return WithRows(CalibrationArtifact.Cdci(Divergences.Divergence.Parse(divergence), 0.1, scores.Count, Gammas.Length, marginal.Gamma, new ArtifactScoreSummary(0.0, 0.64, 3.0)), mondrian);
    }

    [Theory]
    [MemberData(nameof(ExportGraphTests.DivergenceOutputs), MemberType = typeof(ExportGraphTests))]
    public void Each_row_uses_the_threshold_of_its_predicted_class(string name, bool maxEntropy)
    {
        int k = Gammas.Length;
        var divergence = Divergence.Parse(name);
        var rows = ExportAccuracyTests.Rows(k, seed: 41);
        var input = rows.SelectMany(r => r.Logits.Select(v => (float)v)).ToArray();
        var options = new CalibratedExportOptions { Output = maxEntropy ? CalibratedOutput.MaximumEntropy : CalibratedOutput.Intersection };
        using var model = new ExportedModel(LinearLogitsModel.Identity(k), Artifact(name), options);
        Assert.Equal(Gammas, model.Summary.ClassGammas);
        var o = model.Run("x", input, [rows.Count, k]);
        var predicted = rows.Select(row => Array.IndexOf(row.Logits, row.Logits.Max())).ToArray();
        double maxError = ReferenceCredal.AssertRowsMatch(o, rows, divergence, r => Gammas[predicted[r]], maxEntropy, Tolerance, r => $"class {predicted[r]}");
        var used = predicted.ToHashSet();
        Assert.Equal(k, used.Count); // every class's threshold was exercised
        output.WriteLine($"{name}{(maxEntropy ? " maxent" : string.Empty)}: {rows.Count} rows, {model.Summary.NodesAdded} nodes, max abs error {maxError:G3}");
    }

    [Fact]
    public void The_graph_adds_only_standard_operators_and_records_the_rule()
    {
        var model = LinearLogitsModel.Identity(Gammas.Length);
        int before = model.Graph.Node.Count;
        CalibratedModelExporter.Append(model, Artifact("kl"), new CalibratedExportOptions { Output = CalibratedOutput.MaximumEntropy });
        string[] perRow = ["ArgMax", "Gather", "IsInf", "Equal"];
        var ops = model.Graph.Node.Skip(before).Select(n => n.OpType).ToHashSet();
        Assert.All(perRow, op => Assert.Contains(op, ops));
        Assert.All(model.Graph.Node.Skip(before), n => Assert.Equal(string.Empty, n.Domain));
        Assert.Equal("mondrian", model.MetadataProps.Single(m => m.Key == "credal.threshold_rule").Value);
        Assert.Equal("0.01,0.64,inf,3,0", model.MetadataProps.Single(m => m.Key == "credal.gamma_nats").Value);
    }

    [Fact]
    public void A_covariate_shift_artifact_is_refused()
    {
        var rng = new Random(3);
        double[] Rows(int n)
        {
            var values = new double[n * 3];
            for (int i = 0; i < n; i++)
            {
                double a = rng.NextDouble() + 0.1, b = rng.NextDouble() + 0.1, c = rng.NextDouble() + 0.1;
                (values[3 * i], values[(3 * i) + 1], values[(3 * i) + 2]) = (a / (a + b + c), b / (a + b + c), c / (a + b + c));
            }

            return values;
        }

        var shift = Shift.CovariateShiftThreshold.Calibrate(ProbabilityMatrix.FromProbabilities(Rows(50), 3), ProbabilityMatrix.FromProbabilities(Rows(50), 3), ProbabilityMatrix.FromProbabilities(Rows(40), 3), 0.1);
        var artifact = WithRows(CalibrationArtifact.Cdci(Divergences.Divergence.Parse("kl"), 0.1, 50, 3, 0.5, new ArtifactScoreSummary(0.0, 0.1, 1.0)), shift);
        var ex = Assert.Throws<OnnxExportException>(() => CalibratedModelExporter.Append(LinearLogitsModel.Identity(3), artifact));
        Assert.Contains("covariate-shift", ex.Message, StringComparison.Ordinal);
    }

    private static CalibrationArtifact WithRows(CalibrationArtifact artifact, Conformal.RowThreshold rows) => artifact with { Threshold = artifact.Threshold! with { Rows = rows } };
}
