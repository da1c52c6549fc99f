using CredalDistill.Conformal;
using CredalDistill.Engines;
using CredalDistill.FleetBench;
using CredalDistill.IO;

namespace CredalDistill.Cli.Tests;

/// <summary>
/// The code path of the 10^8-row benchmark (tools/fleet-bench.sh, docs/PERFORMANCE.md) at 10^6 rows x K = 10: the same
/// synthetic hive-partitioned lake, <c>credal calibrate --query</c> under a memory limit, checked against the library on
/// the same rows read back from the lake (same n and rank, gamma within 1e-12 relative).
/// </summary>
public class FleetScaleTests
{
    [Fact]
    public void A_million_rows_of_the_benchmark_lake_calibrate_inside_duckdb_like_the_library()
    {
        const int Rows = 1_000_000;
        const int K = 10;
        using var dir = new TempDirectory();
        string lake = dir["lake"];
        using var engine = new DuckDbEngine(memoryLimit: "1GB");
        engine.Execute(SyntheticLake.Sql(lake, Rows, K));
        var run = CliRun.Invoke("calibrate", "--logits", "--query", SyntheticLake.Query(lake), "--cloud-columns", SyntheticLake.Columns("c", K), "--edge-columns", SyntheticLake.Columns("e", K), "--epsilon", "0.1", "--memory-limit", "1GB", "--out", dir["cal.json"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var artifact = CalibrationArtifact.Load(dir["cal.json"]);

        var (cloud, edge) = engine.Query($"SELECT {SyntheticLake.Columns("c", K)}, {SyntheticLake.Columns("e", K)} FROM ({SyntheticLake.Query(lake)})", r =>
        {
            var c = new double[Rows * K];
            var e = new double[Rows * K];
            int i = 0;
            while (r.Read())
            {
                for (int k = 0; k < K; k++)
                {
                    c[(i * K) + k] = r.GetFloat(k);
                    e[(i * K) + k] = r.GetFloat(K + k);
                }

                i++;
            }

            Assert.Equal(Rows, i);
            return (c, e);
        });
        var library = SplitConformal.Calibrate(ProbabilityMatrix.FromLogits(cloud, K), ProbabilityMatrix.FromLogits(edge, K), 0.1);
        Assert.Equal(Rows, artifact.N);
        Assert.Equal(CredalDistill.Engines.ExactRank.For(0.1).Rank(Rows), library.Rank);
        Assert.True(Math.Abs(library.Gamma - artifact.Threshold!.Gamma) <= 1e-12 * library.Gamma, $"library {library.Gamma:R}, DuckDB {artifact.Threshold!.Gamma:R}");
        Assert.Equal(library.Scores.Min, artifact.Threshold!.Scores!.Min, 1e-12);
        Assert.Equal(library.Scores.Median, artifact.Threshold!.Scores.Median, 1e-12);
        Assert.Equal(library.Scores.Max, artifact.Threshold!.Scores.Max, 1e-12);
    }
}
