using CredalDistill.Divergences;

namespace CredalDistill.Engines.Tests;

/// <summary>The threshold computed inside DuckDB equals the definition on the library's scores (same rank, value within 1e-12 relative plus 1e-14 absolute, <see cref="PairTable.Close"/>).</summary>
public class DuckDbThresholdTests
{
    [Theory]
    [MemberData(nameof(PairTable.DivergenceCases), MemberType = typeof(PairTable))]
    public void Grouped_and_pooled_thresholds_equal_the_definition(string divergenceName, bool logits)
    {
        var divergence = Divergence.Parse(divergenceName);
        var table = PairTable.Generate(seed: PairTable.StableSeed(divergenceName) + (logits ? 1 : 0), rows: 1500, classes: 4, logits, groupCount: 4);
        using var engine = new DuckDbEngine();
        DuckDbTables.Load(engine, "pairs", table);
        var columns = new PairColumns(DuckDbTables.Names("c", 4), DuckDbTables.Names("e", 4), 4, logits, logits);
        int compared = 0;
        foreach (double eps in new[] { 0.1, 0.18, 0.05, 0.3, 0.5, 0.01, 0.001 })
        {
            var result = engine.Calibrate("SELECT * FROM pairs", columns, divergence, eps, "g");
            var all = table.Reference(Enumerable.Range(0, table.Rows), divergence, eps);
            Assert.Equal(table.Rows, result.All.N);
            Assert.Equal(all.Rank, result.All.Rank);
            Assert.True(PairTable.Close(all.Gamma, result.All.Gamma), $"{divergenceName} eps {eps}: all rows {all.Gamma:R} vs {result.All.Gamma:R}");
            var byGroup = table.RowsByGroup();
            Assert.Equal(byGroup.Keys, result.Groups.Select(g => g.Group!));
            foreach (var g in result.Groups)
            {
                var reference = table.Reference(byGroup[g.Group!], divergence, eps);
                Assert.Equal(reference.Sorted.Length, g.N);
                Assert.Equal(reference.Rank, g.Rank);
                Assert.True(PairTable.Close(reference.Gamma, g.Gamma), $"{divergenceName} eps {eps} group {g.Group}: {reference.Gamma:R} vs {g.Gamma:R}");
                Assert.True(PairTable.Close(reference.Sorted[0], g.Min) && PairTable.Close(reference.Sorted[^1], g.Max));
                compared++;
            }
        }

        Assert.Equal(7 * 5, compared); // 4 groups and the tiny one
    }
}
