using CredalDistill.Calibration;
using CredalDistill.Onnx.Export;

namespace CredalDistill.Onnx.Tests.Export;

/// <summary>The appended graph uses only default-domain operators of opset 13, keeps the model's interface, and also runs at opset 18.</summary>
public sealed class ExportGraphTests
{
    private static readonly HashSet<string> Allowed =
    [
        "Exp", "Log", "Add", "Sub", "Mul", "Div", "Min", "Max", "Abs", "Neg", "Where", "LessOrEqual", "Greater",
        "GreaterOrEqual", "ReduceMax", "ReduceSum", "Unsqueeze", "Squeeze", "Slice", "Concat", "Identity", "MatMul", "ArgMax",
        "Gather", "IsInf", "Equal",
    ];

    /// <summary>One case per graph shape: each divergence family with the intersection, and KL with max-entropy.</summary>
    public static TheoryData<string, bool> DivergenceOutputs => new()
    {
        { "kl", false }, { "kl", true }, { "reverse-kl", false }, { "alpha:0.9", false }, { "hellinger", false }, { "tv", false }, { "chi2", false },
    };

    [Theory]
    [MemberData(nameof(DivergenceOutputs))]
    public void Appended_nodes_are_standard_opset_13_operators(string divergence, bool maxEntropy)
    {
        var model = LinearLogitsModel.Identity(5);
        int before = model.Graph.Node.Count;
        var options = new CalibratedExportOptions { Output = maxEntropy ? CalibratedOutput.MaximumEntropy : CalibratedOutput.Intersection };
        var summary = CalibratedModelExporter.Append(model, ExportedModel.Artifact(divergence, 0.3, 5), options);
        var added = model.Graph.Node.Skip(before).ToList();
        Assert.Equal(summary.NodesAdded, added.Count);
        Assert.All(added, n => Assert.Equal(string.Empty, n.Domain));
        Assert.All(added, n => Assert.Contains(n.OpType, Allowed));
        Assert.All(added, n => Assert.StartsWith(CalibratedModelExporter.Prefix, n.Name, StringComparison.Ordinal));
        Assert.Equal(13, Assert.Single(model.OpsetImport).Version);
        Assert.Equal(["x"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["logits", "probabilities", "lower", "upper", "label_set"], model.Graph.Output.Select(o => o.Name));
    }

    /// <summary>The graphs of a Mondrian artifact and of a matrix map with a threshold use only the listed operators too, and docs/CLI.md lists exactly the operators the exporter can add.</summary>
    [Fact]
    public void Mondrian_and_matrix_map_graphs_use_the_documented_operators()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (d, maxEntropy) in new[] { ("kl", false), ("kl", true), ("reverse-kl", false), ("alpha:0.9", false), ("hellinger", false), ("tv", false), ("chi2", false) })
        {
            var plain = LinearLogitsModel.Identity(5);
            int before = plain.Graph.Node.Count;
            CalibratedModelExporter.Append(plain, ExportedModel.Artifact(d, 0.3, 5), new CalibratedExportOptions { Output = maxEntropy ? CalibratedOutput.MaximumEntropy : CalibratedOutput.Intersection });
            used.UnionWith(plain.Graph.Node.Skip(before).Select(n => n.OpType));
        }

        var mondrianArtifact = MondrianExportTests.Artifact("kl");
        var mondrian = LinearLogitsModel.Identity(mondrianArtifact.Classes);
        int start = mondrian.Graph.Node.Count;
        CalibratedModelExporter.Append(mondrian, mondrianArtifact, new CalibratedExportOptions { Output = CalibratedOutput.MaximumEntropy });
        var map = CalibrationMap.FromMatrix(new double[25].Select((_, i) => i % 6 == 0 ? 1.2 : 0.1).ToArray(), new double[5], MapObjective.DistilledKullbackLeibler, 10, 0.01);
        var cdci = ExportedModel.Artifact("kl", 0.3, 5);
        var matrix = cdci with { Method = "auto", Map = map, Auto = new AutoChoice(0, "c", "r", [new AutoCandidate("distilled-ts", null, null, "calibrated", 0.1, 0.9)], 0.5) };
        var withMap = LinearLogitsModel.Identity(5);
        int mapStart = withMap.Graph.Node.Count;
        CalibratedModelExporter.Append(withMap, matrix);
        foreach (var n in mondrian.Graph.Node.Skip(start).Concat(withMap.Graph.Node.Skip(mapStart)))
        {
            Assert.Contains(n.OpType, Allowed);
            used.Add(n.OpType);
        }

        Assert.True(Allowed.SetEquals(used), "listed but never added: " + string.Join(", ", Allowed.Except(used)));
        string cli = File.ReadAllText(CredalDistill.Tests.Support.PublicApiListing.RepositoryFile("docs/CLI.md"));
        var listed = System.Text.RegularExpressions.Regex.Match(cli, @"operators only: ([A-Za-z,\s]+)\)").Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Allowed.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Opset_18_model_takes_reduce_axes_as_inputs_and_runs()
    {
        var model = LinearLogitsModel.Identity(3);
        model.IrVersion = 8;
        model.OpsetImport[0].Version = 18;
        float[] z = [2f, -1f, 0.5f, 0f, -40f, -40f];
        using var exported = new ExportedModel(model, ExportedModel.Artifact("kl", 0.64, 3));
        Assert.Contains(model.Graph.Node, n => n.OpType == "ReduceMax" && n.Input.Count == 2);
        var o = exported.Run("x", z, [2, 3]);
        for (int r = 0; r < 2; r++)
        {
            var expected = ReferenceCredal.LogDomain(CredalDistill.Divergences.Divergence.KL, 0.64, z.Skip(r * 3).Take(3).Select(v => (double)v).ToArray());
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(expected.Lower[j], o["lower"][(r * 3) + j], 2e-4);
                Assert.Equal(expected.Upper[j], o["upper"][(r * 3) + j], 2e-4);
                Assert.Equal(expected.Probabilities[j], o["probabilities"][(r * 3) + j], 2e-4);
            }
        }
    }
}
